package io.etlcdc.quality;

import io.etlcdc.core.connectors.MemoryDeadLetterSink;
import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.metrics.MetricsSnapshot;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.core.spi.DeadLetter;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.etlcdc.core.testing.Events.row;
import static io.etlcdc.quality.support.Rules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gate in the core runtime: MemorySource → QualityGate → MemorySink, with a MemoryDeadLetterSink. */
class QualityPipelineTest {
    private final List<Pipeline> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(Pipeline::stop);
    }

    private static ChangeEvent user(long n, String email) {
        return ChangeEvent.insert("postgres_main", "public.users", row("id", n), row("id", n, "email", email), Position.of(n));
    }

    private static List<ChangeEvent> users(long from, long to, long poisoned) {
        List<ChangeEvent> out = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            out.add(user(n, n == poisoned ? "not-an-email" : "user" + n + "@example.com"));
        }
        return out;
    }

    private Pipeline start(MemorySource source, QualityGate gate, MemorySink sink, MemoryDeadLetterSink deadLetters,
                           MemoryOffsetStore offsets) {
        Pipeline p = Pipeline.builder().source("postgres_main", source).quality(gate).sink("warehouse", sink)
                .deadLetterSink(deadLetters).offsetStore(offsets).stopTimeout(Duration.ofSeconds(10)).build();
        started.add(p);
        p.start();
        return p;
    }

    @Test
    void aPoisonedRecordGoesToTheDeadLetterSinkWhileTheRestArriveAndThePositionIsCommitted() {
        QualityGate gate = QualityGate.builder()
                .rule(new QualityRule("email_format", "Email format", "postgres_main_users", "email", "pattern",
                        Map.of("regex", "^[^@]+@[^@]+\\.[a-z]+$"), "error", "dead_letter"))
                .build();
        MemorySource source = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryDeadLetterSink deadLetters = new MemoryDeadLetterSink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        Pipeline pipeline = start(source, gate, sink, deadLetters, offsets);

        source.push(users(1, 10, 4));
        source.push(users(11, 20, -1));
        await().atMost(30, TimeUnit.SECONDS).until(() -> offsets.load("postgres_main").map(Position.of(20L)::equals).orElse(false));

        assertThat(sink.events()).hasSize(19);
        assertThat(sink.events()).extracting(e -> e.position().sortKey().get(0)).doesNotContain(4L);
        List<DeadLetter> letters = deadLetters.recent(10);
        assertThat(letters).singleElement().satisfies(d -> {
            assertThat(d.event().position()).isEqualTo(Position.of(4L));
            assertThat(d.stage()).isEqualTo("quality");
            assertThat(d.component()).isEqualTo("email_format");
            assertThat(d.reason()).contains("does not match the pattern");
            assertThat(d.details()).containsEntry("asset", "postgres_main_users");
            assertThat(d.details().get("failed_checks")).asInstanceOf(InstanceOfAssertFactories.LIST).singleElement()
                    .satisfies(c -> assertThat(((Map<?, ?>) c).get("value")).isEqualTo("not-an-email"));
        });
        assertThat(source.committedPositions()).last().isEqualTo(Position.of(20L));
        assertThat(pipeline.state()).isEqualTo(PipelineState.RUNNING);

        MetricsSnapshot.Stage quality = pipeline.metrics().snapshot().stages().get("quality");
        assertThat(quality.in()).isEqualTo(20);
        assertThat(quality.out()).isEqualTo(19);
        assertThat(quality.deadLettered()).isEqualTo(1);
        QualityMetricsSnapshot figures = gate.metrics();
        assertThat(figures.records().deadLettered()).isEqualTo(1);
        assertThat(figures.records().passed()).isEqualTo(19);
        assertThat(figures.assets().get("postgres_main_users").total().score()).isEqualTo(0.95);
    }

    @Test
    void aRuleAddedWhileRunningDropsFromTheNextBatchAndEveryDropIsCounted() {
        QualityGate gate = QualityGate.builder().build();
        MemorySource source = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        Pipeline pipeline = start(source, gate, sink, new MemoryDeadLetterSink(), offsets);

        source.push(users(1, 5, 2));
        await().atMost(30, TimeUnit.SECONDS).until(() -> sink.size() == 5);
        gate.addRule(rule("email_format", "pattern", "email", "regex", "@example\\.com$").withAction("drop"));
        source.push(users(6, 10, 7));
        await().atMost(30, TimeUnit.SECONDS).until(() -> offsets.load("postgres_main").map(Position.of(10L)::equals).orElse(false));

        assertThat(sink.size()).isEqualTo(9);
        assertThat(pipeline.metrics().snapshot().dropped()).isEqualTo(1);
        assertThat(gate.metrics().records().dropped()).isEqualTo(1);
        assertThat(gate.metrics().records().unchecked()).isEqualTo(5);
    }

    @Test
    void aFailRuleStopsThePipelineWithAClearStatusAndCommitsNothingOfTheBatch() {
        QualityGate gate = QualityGate.builder()
                .rule(rule("email_format", "pattern", "email", "regex", "@example\\.com$").withAction("fail")).build();
        MemorySource source = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        Pipeline pipeline = start(source, gate, sink, new MemoryDeadLetterSink(), offsets);

        source.push(users(1, 3, -1));
        await().atMost(30, TimeUnit.SECONDS).until(() -> offsets.load("postgres_main").isPresent());
        source.push(users(4, 6, 5));
        await().atMost(30, TimeUnit.SECONDS).until(() -> pipeline.state() == PipelineState.FAILED);

        assertThat(pipeline.failure()).hasValueSatisfying(f -> assertThat(f)
                .contains("quality stage stopped the pipeline")
                .contains("quality rule 'email_format'")
                .contains("postgres_main_users at position 5"));
        assertThat(offsets.load("postgres_main")).contains(Position.of(3L));
        assertThat(sink.size()).isEqualTo(3);
    }
}
