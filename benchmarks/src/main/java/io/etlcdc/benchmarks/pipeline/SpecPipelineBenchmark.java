package io.etlcdc.benchmarks.pipeline;

import io.etlcdc.benchmarks.e2e.SpecStages;
import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineListener;
import io.etlcdc.core.spi.DeadLetter;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.quality.QualityGate;
import io.etlcdc.transform.RuleEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The in-memory pipeline with real stages: a source replaying pre-built INSERT events → the spec's
 * three example rules and its status filter ({@link RuleEngine}) → two quality checks
 * ({@link QualityGate}) → a sink that only counts. One operation is one source event.
 *
 * <ul>
 *   <li>{@link #pipeline}: the whole runtime ({@code Pipeline}: source thread, bounded buffer, worker
 *   running the stages, sink, position commit), one pipeline or one per core ({@code pipelines=all}),
 *   100,000 events per invocation split between them. A fresh pipeline per invocation replays the
 *   same events (its dedup starts empty), so nothing is built in the measured part.</li>
 *   <li>{@link #stages} / {@link #stagesAllCores}: the two stages alone on batches of 2,000 (the
 *   pipeline's default batch) on the benchmark thread(s), each thread with its own stages: what the
 *   stages cost without the runtime's hand-offs. With {@code -prof gc}, {@code gc.alloc.rate.norm} of
 *   these is the stages' own allocation per event; that of {@link #pipeline} adds the runtime's.</li>
 * </ul>
 *
 * Records: {@code id}, {@code email}, {@code phone}, {@code price} and {@code tax} as {@code BigDecimal}
 * (a PostgreSQL {@code numeric}), {@code status} ({@code inactive} for every third record, which the
 * filter removes). Every record passes both quality checks.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SpecPipeline -prof gc}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class SpecPipelineBenchmark {
    static final int EVENTS_PER_INVOCATION = 100_000;
    static final int SOURCE_BATCH = 1_000;
    static final int STAGE_BATCH = 2_000;

    /** The whole runtime with the spec's stages; see the class comment. */
    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_INVOCATION)
    public long pipeline(Pipelines st) throws Exception {
        int count = st.count;
        List<List<List<ChangeEvent>>> inputPerPipeline = st.inputPerPipeline;
        CountDownLatch done = new CountDownLatch(count);
        AtomicLong delivered = new AtomicLong();
        AtomicReference<String> problem = new AtomicReference<>();
        List<Pipeline> running = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                long expected = inputPerPipeline.get(i).stream().mapToLong(List::size).sum();
                AtomicLong committed = new AtomicLong();
                Sink counting = batch -> delivered.addAndGet(batch.size());
                PipelineListener listener = new PipelineListener() {
                    @Override
                    public void onCommitted(String sourceId, Position position, int events) {
                        if (committed.addAndGet(events) == expected) {
                            done.countDown();
                        }
                    }

                    @Override
                    public void onDeadLetters(List<DeadLetter> deadLetters) {
                        problem.compareAndSet(null, "dead letter: " + deadLetters.get(0).reason());
                    }
                };
                Pipeline p = Pipeline.builder().name("spec-" + i)
                        .source("pg", new PipelineBenchmark.ReplaySource(inputPerPipeline.get(i)))
                        .transform(st.engines[i]).quality(st.gates[i]).sink("count", counting)
                        .offsetStore(new MemoryOffsetStore()).listener(listener)
                        .stopTimeout(Duration.ofSeconds(10)).build();
                running.add(p);
                p.start();
            }
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("pipelines delivered only " + delivered.get() + " events in 120 s");
            }
        } finally {
            running.forEach(Pipeline::close);
        }
        if (problem.get() != null) {
            throw new IllegalStateException(problem.get());
        }
        return delivered.get();
    }

    /** The stages alone on one thread; see the class comment. */
    @Benchmark
    @OperationsPerInvocation(STAGE_BATCH)
    public long stages(StageState s) throws Exception {
        return s.run();
    }

    /** The stages alone on every core, each thread with its own stages. */
    @Benchmark
    @Threads(Threads.MAX)
    @OperationsPerInvocation(STAGE_BATCH)
    public long stagesAllCores(StageState s) throws Exception {
        return s.run();
    }

    /** The pipelines' inputs and stages, built once per trial. */
    @State(Scope.Benchmark)
    public static class Pipelines {
        /** {@code 1}, or {@code all}: one pipeline per available processor, running at once. */
        @Param({"1", "all"})
        public String pipelines;

        int count;
        List<List<List<ChangeEvent>>> inputPerPipeline;
        RuleEngine[] engines;
        QualityGate[] gates;

        @Setup
        public void setup() {
            count = "all".equals(pipelines) ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(pipelines);
            List<ChangeEvent> events = events(EVENTS_PER_INVOCATION);
            int per = EVENTS_PER_INVOCATION / count;
            inputPerPipeline = new ArrayList<>(count);
            engines = new RuleEngine[count];
            gates = new QualityGate[count];
            for (int i = 0; i < count; i++) {
                int to = i == count - 1 ? EVENTS_PER_INVOCATION : (i + 1) * per;
                inputPerPipeline.add(chunks(events.subList(i * per, to), SOURCE_BATCH));
                engines[i] = SpecStages.ruleEngine();
                gates[i] = SpecStages.qualityGate();
            }
        }
    }

    /** One thread's stages, batch and collectors, all built before measuring. */
    @State(Scope.Thread)
    public static class StageState {
        private RuleEngine engine;
        private QualityGate gate;
        private List<ChangeEvent> batch;
        private final ListCollector afterRules = new ListCollector(STAGE_BATCH);
        private final ListCollector afterQuality = new ListCollector(STAGE_BATCH);
        private long written;

        @Setup
        public void setup() {
            engine = SpecStages.ruleEngine();
            gate = SpecStages.qualityGate();
            batch = events(STAGE_BATCH);
        }

        long run() throws Exception {
            afterRules.clear();
            afterQuality.clear();
            engine.apply(batch, afterRules);
            gate.apply(afterRules.out, afterQuality);
            if (afterQuality.problem != null) {
                throw new IllegalStateException(afterQuality.problem);
            }
            written += afterQuality.out.size();
            return written;
        }
    }

    /** Keeps emitted events in a list reused batch after batch; anything but emit/filter is a benchmark error. */
    static final class ListCollector implements TransformCollector {
        final List<ChangeEvent> out;
        String problem;

        ListCollector(int capacity) {
            out = new ArrayList<>(capacity);
        }

        void clear() {
            out.clear();
            problem = null;
        }

        @Override public void emit(ChangeEvent event) { out.add(event); }
        @Override public void filter(ChangeEvent event, String ruleId) { }
        @Override public void drop(ChangeEvent event, String ruleId, String reason) { problem = "dropped by " + ruleId + ": " + reason; }
        @Override public void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) {
            problem = "dead-lettered by " + ruleId + ": " + reason;
        }
        @Override public void failSource(String sourceId, String reason) { problem = reason; }
        @Override public void failPipeline(String reason) { problem = reason; }
    }

    /** {@code n} INSERTs into {@code public.users} with positions 1..n. */
    static List<ChangeEvent> events(int n) {
        List<ChangeEvent> out = new ArrayList<>(n);
        Instant ts = Instant.parse("2026-01-05T10:00:00Z");
        for (int i = 1; i <= n; i++) {
            long id = i;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", id);
            row.put("email", "user" + i + ".name@example" + (i % 7) + ".com");
            row.put("phone", "555-010-" + (1000 + i % 9000));
            row.put("price", new BigDecimal(10 + i % 90 + ".99"));
            row.put("tax", new BigDecimal("1." + (i % 10) + "0"));
            row.put("status", i % 3 == 0 ? "inactive" : "active");
            out.add(ChangeEvent.builder("pg", "public.users", Operation.INSERT)
                    .key(Map.of("id", id)).after(row).position(Position.of(id)).sourceTimestamp(ts).build());
        }
        return out;
    }

    private static List<List<ChangeEvent>> chunks(List<ChangeEvent> events, int size) {
        List<List<ChangeEvent>> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i += size) {
            out.add(List.copyOf(events.subList(i, Math.min(events.size(), i + size))));
        }
        return out;
    }
}
