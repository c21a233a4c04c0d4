package io.etlcdc.core.pipeline;

import io.etlcdc.core.connectors.MemoryDeadLetterSink;
import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.DeadLetter;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.Transform;
import io.etlcdc.core.spi.TransformCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.etlcdc.core.testing.Events.insert;
import static io.etlcdc.core.testing.Events.inserts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PipelineTest {
    private final List<Pipeline> started = new ArrayList<>();

    private Pipeline start(PipelineBuilder builder) {
        Pipeline p = builder.stopTimeout(Duration.ofSeconds(5)).build();
        started.add(p);
        p.start();
        return p;
    }

    @AfterEach
    void stopAll() {
        started.forEach(Pipeline::stop);
    }

    private static List<Long> positions(List<ChangeEvent> events, String sourceId) {
        return events.stream().filter(e -> e.sourceId().equals(sourceId)).map(e -> (Long) e.position().sortKey().get(0)).toList();
    }

    @Test
    void keepsEachSourcesOrderAcrossBatchesAndSources() {
        MemorySource a = new MemorySource();
        MemorySource b = new MemorySource();
        MemorySink sink = new MemorySink();
        start(Pipeline.builder().source("a", a).source("b", b).sink("mem", sink).maxBatchSize(7));
        for (long n = 1; n <= 500; n += 10) {
            a.push(inserts("a", n, n + 9));
            b.push(inserts("b", n, n + 9));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> sink.size() == 1000);
        List<Long> expected = new ArrayList<>();
        for (long n = 1; n <= 500; n++) {
            expected.add(n);
        }
        assertThat(positions(sink.events(), "a")).containsExactlyElementsOf(expected);
        assertThat(positions(sink.events(), "b")).containsExactlyElementsOf(expected);
    }

    @Test
    void commitsThePositionOnlyAfterTheSinkAcknowledged() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        MemorySink delivered = new MemorySink();
        Sink gated = batch -> {
            writing.countDown();
            release.await();
            delivered.write(batch);
        };
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        MemorySource source = new MemorySource();
        start(Pipeline.builder().source("pg", source).sink("gated", gated).offsetStore(offsets));
        source.push(inserts("pg", 1, 5));
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        assertThat(offsets.load("pg")).as("nothing committed while the sink has not acknowledged").isEmpty();
        assertThat(source.committedPositions()).isEmpty();
        release.countDown();
        await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.load("pg").isPresent());
        assertThat(offsets.load("pg")).contains(Position.of(5L));
        assertThat(source.committedPositions()).containsExactly(Position.of(5L));
    }

    @Test
    void aSinkThatFailsForGoodLeavesThePositionWhereItWasAndFailsThePipeline() {
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        MemorySource source = new MemorySource();
        AtomicInteger calls = new AtomicInteger();
        Sink failing = batch -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("disk full");
            }
        };
        Pipeline p = start(Pipeline.builder().source("pg", source).sink("broken", failing).offsetStore(offsets));
        source.push(inserts("pg", 1, 3));
        await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.load("pg").isPresent());
        source.push(inserts("pg", 4, 6));
        await().atMost(5, TimeUnit.SECONDS).until(() -> p.state() == PipelineState.FAILED);
        assertThat(offsets.load("pg")).contains(Position.of(3L));
        assertThat(p.failure()).hasValueSatisfying(f -> assertThat(f).contains("broken").contains("disk full"));
        assertThat(p.status().failure()).contains("broken");
    }

    @Test
    void retriesATransientSinkFailureAndLosesNothing() {
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        MemorySource source = new MemorySource();
        MemorySink delivered = new MemorySink();
        AtomicInteger failuresLeft = new AtomicInteger(3);
        Sink flaky = batch -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new RetriableEtlException(ErrorCode.SINK_FAILED, "connection reset");
            }
            delivered.write(batch);
        };
        Pipeline p = start(Pipeline.builder().source("pg", source).sink("flaky", flaky).offsetStore(offsets)
                .retryPolicy(RetryPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(20))));
        source.push(inserts("pg", 1, 4));
        await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.load("pg").isPresent());
        assertThat(positions(delivered.events(), "pg")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(p.metrics().snapshot().sinks().get("flaky").retries()).isEqualTo(3);
        assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
    }

    @Test
    void dropsRedeliveredEventsAndCountsThem() {
        MemorySource source = new MemorySource();
        MemorySink sink = new MemorySink();
        Pipeline p = start(Pipeline.builder().source("pg", source).sink("mem", sink));
        source.push(inserts("pg", 1, 5));
        source.push(inserts("pg", 3, 8));   // reconnect replays 3..5
        source.push(inserts("pg", 8, 8));   // and 8 once more
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.size() >= 8 && source.pending() == 0);
        await().atMost(5, TimeUnit.SECONDS).until(() -> p.metrics().snapshot().duplicates() == 4);
        assertThat(positions(sink.events(), "pg")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(p.status().metrics().sources().get("pg").duplicates()).isEqualTo(4);
    }

    @Test
    void resumesAfterTheCommittedPositionOnRestart() {
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        MemorySink sink = new MemorySink();
        MemorySource first = new MemorySource();
        Pipeline p1 = start(Pipeline.builder().source("pg", first).sink("mem", sink).offsetStore(offsets));
        first.push(inserts("pg", 1, 5));
        await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.load("pg").equals(java.util.Optional.of(Position.of(5L))));
        p1.stop();
        assertThat(p1.state()).isEqualTo(PipelineState.STOPPED);

        // the database re-sends everything since 1 after the restart: only 6..10 may arrive again
        MemorySource second = new MemorySource();
        Pipeline p2 = start(Pipeline.builder().source("pg", second).sink("mem", sink).offsetStore(offsets));
        second.push(inserts("pg", 1, 10));
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.size() == 10 && offsets.load("pg").orElseThrow().equals(Position.of(10L)));
        assertThat(positions(sink.events(), "pg")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(p2.metrics().snapshot().duplicates()).isEqualTo(5);
    }

    @Test
    void aSlowSinkHoldsTheBufferAtItsBound() throws Exception {
        int bound = 100;
        MemorySource source = new MemorySource();
        AtomicInteger written = new AtomicInteger();
        Sink slow = batch -> {
            Thread.sleep(20);
            written.addAndGet(batch.size());
        };
        Pipeline p = start(Pipeline.builder().source("pg", source).sink("slow", slow).bufferSize(bound).maxBatchSize(25));
        for (long n = 1; n <= 5_000; n += 50) {
            source.push(inserts("pg", n, n + 49));
        }
        int maxUsed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline) {
            maxUsed = Math.max(maxUsed, p.status().bufferUsed());
            Thread.sleep(2);
        }
        assertThat(maxUsed).as("events buffered or in flight").isPositive().isLessThanOrEqualTo(bound);
        assertThat(written.get()).as("the sink is the bottleneck").isLessThan(5_000);
        assertThat(source.pending()).as("the backlog waits at the source, not in the pipeline").isGreaterThan(0);
    }

    @Test
    void aPoisonedRecordGoesToTheDeadLetterSinkWhileTheRestFlow() {
        MemorySource source = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryDeadLetterSink dlq = new MemoryDeadLetterSink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        Transform picky = new Transform() {
            @Override
            public String id() {
                return "picky";
            }

            @Override
            public void apply(List<ChangeEvent> batch, TransformCollector out) {
                for (ChangeEvent e : batch) {
                    if (e.position().equals(Position.of(3L))) {
                        throw new IllegalArgumentException("cannot handle user3");
                    }
                    out.emit(e);
                }
            }
        };
        Pipeline p = start(Pipeline.builder().source("pg", source).transform(picky).sink("mem", sink)
                .deadLetterSink(dlq).offsetStore(offsets));
        source.push(inserts("pg", 1, 5));
        await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.load("pg").isPresent());
        assertThat(positions(sink.events(), "pg")).containsExactly(1L, 2L, 4L, 5L);
        assertThat(dlq.recent(10)).singleElement().satisfies(d -> {
            assertThat(d.event().position()).isEqualTo(Position.of(3L));
            assertThat(d.stage()).isEqualTo("transform");
            assertThat(d.component()).isEqualTo("picky");
            assertThat(d.reason()).contains("cannot handle user3");
        });
        assertThat(offsets.load("pg")).contains(Position.of(5L));
        assertThat(p.metrics().snapshot().deadLettered()).isEqualTo(1);
    }

    @Test
    void filteredEventsAreCountedAndTheirPositionsCommitted() {
        MemorySource source = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        Transform evenOnly = stage("even", (e, out) -> {
            if (((Long) e.position().sortKey().get(0)) % 2 == 0) {
                out.emit(e);
            } else {
                out.filter(e, "even");
            }
        });
        Pipeline p = start(Pipeline.builder().source("pg", source).transform(evenOnly).sink("mem", sink).offsetStore(offsets));
        source.push(inserts("pg", 1, 9));
        await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.load("pg").isPresent());
        assertThat(positions(sink.events(), "pg")).containsExactly(2L, 4L, 6L, 8L);
        assertThat(offsets.load("pg")).contains(Position.of(9L));
        assertThat(p.metrics().snapshot().filtered()).isEqualTo(5);
    }

    @Test
    void aQualityFailureStopsThePipelineWithoutCommitting() {
        MemorySource source = new MemorySource();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        MemorySink sink = new MemorySink();
        Transform gate = stage("gate", (e, out) -> {
            if (e.position().equals(Position.of(2L))) {
                out.failPipeline("rule not_null_email failed on user2");
            } else {
                out.emit(e);
            }
        });
        Pipeline p = start(Pipeline.builder().source("pg", source).quality(gate).sink("mem", sink).offsetStore(offsets));
        source.push(inserts("pg", 1, 3));
        await().atMost(5, TimeUnit.SECONDS).until(() -> p.state() == PipelineState.FAILED);
        assertThat(offsets.load("pg")).isEmpty();
        assertThat(sink.size()).isZero();
        assertThat(p.failure()).hasValueSatisfying(f -> assertThat(f).contains("quality").contains("not_null_email"));
    }

    @Test
    void failingOneSourceLeavesTheOthersFlowing() {
        MemorySource good = new MemorySource();
        MemorySource bad = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        Transform schema = stage("schema", (e, out) -> {
            if (e.sourceId().equals("bad")) {
                out.failSource("bad", "incompatible schema change on public.users");
            } else {
                out.emit(e);
            }
        });
        Pipeline p = start(Pipeline.builder().source("good", good).source("bad", bad).schemaTracker(schema)
                .sink("mem", sink).offsetStore(offsets));
        bad.push(inserts("bad", 1, 3));
        await().atMost(5, TimeUnit.SECONDS).until(() -> p.status().sources().stream()
                .anyMatch(s -> s.id().equals("bad") && s.state() == SourceState.FAILED));
        good.push(inserts("good", 1, 3));
        await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.load("good").isPresent());
        assertThat(positions(sink.events(), "good")).containsExactly(1L, 2L, 3L);
        assertThat(positions(sink.events(), "bad")).isEmpty();
        assertThat(offsets.load("bad")).isEmpty();
        assertThat(p.state()).isEqualTo(PipelineState.RUNNING);
        assertThat(p.status().sources()).filteredOn(s -> s.id().equals("bad")).singleElement()
                .satisfies(s -> assertThat(s.error()).contains("incompatible schema change"));
    }

    @Test
    void aSourceThatThrowsIsReportedFailedWithItsError() {
        MemorySink sink = new MemorySink();
        io.etlcdc.core.spi.Source broken = new io.etlcdc.core.spi.Source() {
            @Override
            public void run(io.etlcdc.core.spi.SourceContext context) {
                throw new EtlException(ErrorCode.POSITION_LOST, "replication slot etl_pg is gone; re-snapshot with POST /api/v1/sources/pg/snapshot");
            }

            @Override
            public void stop() {
            }
        };
        Pipeline p = start(Pipeline.builder().source("pg", broken).sink("mem", sink));
        await().atMost(5, TimeUnit.SECONDS).until(() -> p.status().sources().get(0).state() == SourceState.FAILED);
        assertThat(p.status().sources().get(0).error()).contains("POSITION_LOST").contains("re-snapshot");
    }

    @Test
    void stopDeliversWhatWasBufferedBeforeReturning() {
        MemorySource source = new MemorySource();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        MemorySink sink = new MemorySink();
        Sink slowish = batch -> {
            Thread.sleep(5);
            sink.write(batch);
        };
        Pipeline p = start(Pipeline.builder().source("pg", source).sink("s", slowish).offsetStore(offsets).maxBatchSize(10));
        source.push(inserts("pg", 1, 200));
        await().atMost(5, TimeUnit.SECONDS).until(() -> sink.size() > 0);
        p.stop();
        assertThat(p.state()).isEqualTo(PipelineState.STOPPED);
        long committed = (Long) offsets.load("pg").orElseThrow().sortKey().get(0);
        assertThat(sink.size()).as("everything delivered was committed, and nothing else").isEqualTo((int) committed);
    }

    @Test
    void deadLettersReplayedAfterAFixArriveWithoutMovingThePosition() throws Exception {
        MemorySource source = new MemorySource();
        MemorySink sink = new MemorySink();
        MemoryDeadLetterSink dlq = new MemoryDeadLetterSink();
        MemoryOffsetStore offsets = new MemoryOffsetStore();
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
        Transform rule = stage("picky", (e, out) -> {
            if (broken.get() && ((Long) e.position().sortKey().get(0)) % 2 == 0) {
                out.deadLetter(e, "picky", "even ids refused", Map.of());
            } else {
                out.emit(e);
            }
        });
        Pipeline p = start(Pipeline.builder().source("pg", source).transform(rule).sink("mem", sink).deadLetterSink(dlq).offsetStore(offsets));
        source.push(inserts("pg", 1, 6));
        await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.load("pg").isPresent());
        assertThat(dlq.recent(10)).hasSize(3);

        broken.set(false);
        int delivered = p.replay(dlq.recent(10).stream().map(DeadLetter::event).toList()).get(10, TimeUnit.SECONDS);
        assertThat(delivered).isEqualTo(3);
        assertThat(positions(sink.events(), "pg")).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(sink.events().stream().filter(Pipeline::isReplay).count()).isEqualTo(3);
        assertThat(offsets.load("pg")).as("a replay never moves the committed position").contains(Position.of(6L));
        assertThat(dlq.recent(10)).hasSize(3);

        source.push(inserts("pg", 7, 8));
        await().atMost(5, TimeUnit.SECONDS).until(() -> offsets.load("pg").equals(java.util.Optional.of(Position.of(8L))));
    }

    @Test
    void deadLettersReachTheListener() {
        MemorySource source = new MemorySource();
        List<DeadLetter> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Transform rejectAll = stage("reject", (e, out) -> out.deadLetter(e, "reject", "bad email", Map.of("field", "email")));
        start(Pipeline.builder().source("pg", source).transform(rejectAll).sink("mem", new MemorySink())
                .listener(new PipelineListener() {
                    @Override
                    public void onDeadLetters(List<DeadLetter> deadLetters) {
                        seen.addAll(deadLetters);
                    }
                }));
        source.push(insert("pg", 1));
        await().atMost(5, TimeUnit.SECONDS).until(() -> seen.size() == 1);
        assertThat(seen.get(0).details()).containsEntry("field", "email");
    }

    interface PerEvent {
        void accept(ChangeEvent e, TransformCollector out);
    }

    static Transform stage(String id, PerEvent fn) {
        return new Transform() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public void apply(List<ChangeEvent> batch, TransformCollector out) {
                batch.forEach(e -> fn.accept(e, out));
            }
        };
    }
}
