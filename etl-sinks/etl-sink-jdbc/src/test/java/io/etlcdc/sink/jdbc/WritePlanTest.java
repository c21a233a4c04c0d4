package io.etlcdc.sink.jdbc;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;

class WritePlanTest {
    private final List<String> refused = new ArrayList<>();

    private WritePlan plan(ChangeEvent... events) {
        return WritePlan.of(List.of(events), (e, why) -> refused.add(e.position() + " " + why));
    }

    private static List<WritePlan.RowChange> changes(WritePlan.Step step, String collection) {
        List<WritePlan.RowChange> out = new ArrayList<>();
        ((WritePlan.RowChanges) step).tables().get(collection).changes().forEach(out::add);
        return out;
    }

    @Test
    void theLastChangeToAKeyWinsAndKeysStayApart() {
        WritePlan p = plan(
                ChangeEvent.insert("s", "public.users", row("id", 1L), row("id", 1L, "name", "a"), Position.of(1)),
                ChangeEvent.insert("s", "public.users", row("id", 2L), row("id", 2L, "name", "b"), Position.of(2)),
                ChangeEvent.update("s", "public.users", row("id", 1L), null, row("id", 1L, "name", "a2"), Position.of(3)),
                ChangeEvent.delete("s", "public.users", row("id", 2L), null, Position.of(4)));
        assertThat(p.steps()).hasSize(1);
        List<WritePlan.RowChange> c = changes(p.steps().get(0), "public.users");
        assertThat(c).hasSize(2);
        assertThat(c.get(0).row()).containsEntry("name", "a2");
        assertThat(c.get(1).delete()).isTrue();
        assertThat(p.events()).isEqualTo(4);
    }

    @Test
    void anUnchangedColumnTakesTheValueAnEarlierEventOfTheBatchGaveIt() {
        WritePlan p = plan(
                ChangeEvent.insert("s", "public.docs", row("id", 1L), row("id", 1L, "t", "x", "body", "B"), Position.of(1)),
                ChangeEvent.builder("s", "public.docs", Operation.UPDATE).key(row("id", 1L)).after(row("id", 1L, "t", "y"))
                        .unchangedFields(Set.of("body")).position(Position.of(2)).build(),
                ChangeEvent.builder("s", "public.docs", Operation.UPDATE).key(row("id", 2L)).after(row("id", 2L, "t", "z"))
                        .unchangedFields(Set.of("body")).position(Position.of(3)).build());
        List<WritePlan.RowChange> c = changes(p.steps().get(0), "public.docs");
        assertThat(c.get(0).row()).containsEntry("t", "y").containsEntry("body", "B");
        // nothing earlier in the batch: the column is left out so the stored value stays
        assertThat(c.get(1).row()).containsOnlyKeys("id", "t");
    }

    @Test
    void aKeyChangeDeletesTheOldRow() {
        WritePlan p = plan(ChangeEvent.update("s", "public.users", row("id", 5L), row("id", 4L, "name", "a"),
                row("id", 5L, "name", "a"), Position.of(1)));
        List<WritePlan.RowChange> c = changes(p.steps().get(0), "public.users");
        assertThat(c).extracting(WritePlan.RowChange::delete).containsExactly(true, false);
        assertThat(c.get(0).key()).containsEntry("id", 4L);
    }

    @Test
    void truncateAndDdlCutTheBatchIntoSegmentsInOrder() {
        WritePlan p = plan(
                ChangeEvent.insert("s", "public.users", row("id", 1L), row("id", 1L), Position.of(1)),
                ChangeEvent.truncate("s", "public.users", Position.of(2)),
                ChangeEvent.insert("s", "public.users", row("id", 1L), row("id", 1L), Position.of(3)),
                ChangeEvent.ddl("s", "public.users", "ALTER TABLE users ADD c int", Position.of(4)));
        assertThat(p.steps()).extracting(s -> s.getClass().getSimpleName())
                .containsExactly("RowChanges", "Truncate", "RowChanges", "Ddl");
    }

    @Test
    void eventsWithoutAKeyAreRefusedWithTheReason() {
        WritePlan p = plan(ChangeEvent.builder("s", "public.logs", Operation.INSERT).after(row("msg", "hi"))
                .position(Position.of(7)).build());
        assertThat(p.events()).isZero();
        assertThat(refused).singleElement().asString().startsWith("7 no primary key");
    }
}
