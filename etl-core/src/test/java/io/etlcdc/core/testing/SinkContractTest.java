package io.etlcdc.core.testing;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkContext;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link Sink} must do, checked through the rows the destination ends up holding: every
 * event lands, changes to one key apply in order, deletes remove, and re-delivering a batch (as after
 * a crash between write and commit) changes nothing.
 */
public abstract class SinkContractTest {

    /** A sink writing to a fresh, empty destination (the same destination on every call within a test). */
    protected abstract Sink newSink() throws Exception;

    /** The rows the destination holds for {@code public.users}, by {@code id}, as written. */
    protected abstract Map<Object, Map<String, Object>> rows() throws Exception;

    /** Dead letters the sink handed over during writes. */
    protected final List<String> deadLetters = new ArrayList<>();

    protected SinkContext context(String sinkId) {
        return new SinkContext() {
            @Override
            public String sinkId() {
                return sinkId;
            }

            @Override
            public void deadLetter(ChangeEvent event, String reason) {
                deadLetters.add(event.position() + ": " + reason);
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }
        };
    }

    protected static ChangeEvent insert(long pos, long id, String name) {
        return ChangeEvent.insert("src", "public.users", row("id", id), row("id", id, "name", name), Position.of(pos));
    }

    protected static ChangeEvent update(long pos, long id, String oldName, String name) {
        return ChangeEvent.update("src", "public.users", row("id", id), row("id", id, "name", oldName),
                row("id", id, "name", name), Position.of(pos));
    }

    protected static ChangeEvent delete(long pos, long id, String name) {
        return ChangeEvent.delete("src", "public.users", row("id", id), row("id", id, "name", name), Position.of(pos));
    }

    private Sink open() throws Exception {
        Sink sink = newSink();
        sink.open(context("contract"));
        return sink;
    }

    @Test
    void everyEventLands() throws Exception {
        try (Sink sink = open()) {
            sink.write(List.of(insert(1, 1, "a"), insert(2, 2, "b"), insert(3, 3, "c")));
        }
        assertThat(rows()).containsOnlyKeys(1L, 2L, 3L);
        assertThat(rows().get(2L)).containsEntry("name", "b");
    }

    @Test
    void changesToOneKeyApplyInOrderAndDeletesRemove() throws Exception {
        try (Sink sink = open()) {
            sink.write(List.of(insert(1, 1, "a"), update(2, 1, "a", "b"), insert(3, 2, "x")));
            sink.write(List.of(update(4, 1, "b", "c"), delete(5, 2, "x")));
        }
        Map<Object, Map<String, Object>> rows = rows();
        assertThat(rows).containsOnlyKeys(1L);
        assertThat(rows.get(1L)).containsEntry("name", "c");
    }

    @Test
    void redeliveryAfterACrashChangesNothing() throws Exception {
        List<ChangeEvent> first = List.of(insert(1, 1, "a"), insert(2, 2, "b"), update(3, 1, "a", "a2"));
        List<ChangeEvent> second = List.of(delete(4, 2, "b"), insert(5, 3, "c"));
        try (Sink sink = open()) {
            sink.write(first);
            sink.write(second);
        }
        Map<Object, Map<String, Object>> once = rows();
        // the process died after writing but before committing: everything is delivered again
        try (Sink sink = open()) {
            sink.write(first);
            sink.write(second);
        }
        assertThat(rows()).isEqualTo(once);
        assertThat(once).containsOnlyKeys(1L, 3L);
        assertThat(once.get(1L)).containsEntry("name", "a2");
    }
}
