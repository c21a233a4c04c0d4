package io.etlcdc.benchmarks.pipeline;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import io.etlcdc.core.spi.Transform;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The runtime alone: a source emitting pre-built batches → {@code stages} pass-through stages → a
 * sink that only counts. Throughput in events/s of the runtime's own work (dedup, buffering, batching,
 * commit, lineage off). The stages with real rules and quality checks are measured in
 * {@code SpecPipelineBenchmark} once those modules are in place.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipelineBenchmark {
    static final int EVENTS_PER_INVOCATION = 100_000;

    @Param({"0", "3"})
    int stages;

    @Param({"500"})
    int sourceBatch;

    private long nextPosition = 1;
    private List<List<ChangeEvent>> input;

    /** Fresh events per invocation, built outside the measurement (an invocation moves 100k events). */
    @Setup(Level.Invocation)
    public void prepare() {
        input = events();
    }

    /** Builds fresh events for one invocation (positions keep increasing so dedup never drops them). */
    private List<List<ChangeEvent>> events() {
        List<List<ChangeEvent>> out = new ArrayList<>(EVENTS_PER_INVOCATION / sourceBatch);
        List<ChangeEvent> batch = new ArrayList<>(sourceBatch);
        Instant ts = Instant.now();
        for (int i = 0; i < EVENTS_PER_INVOCATION; i++) {
            long n = nextPosition++;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", n);
            row.put("email", "user" + n + "@example.com");
            row.put("price", 10.5);
            row.put("tax", 2.1);
            row.put("status", (n & 1) == 0 ? "active" : "inactive");
            batch.add(ChangeEvent.builder("pg", "public.users", io.etlcdc.core.event.Operation.INSERT)
                    .key(Map.of("id", n)).after(row).position(Position.of(n)).sourceTimestamp(ts).build());
            if (batch.size() == sourceBatch) {
                out.add(batch);
                batch = new ArrayList<>(sourceBatch);
            }
        }
        if (!batch.isEmpty()) {
            out.add(batch);
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS_PER_INVOCATION)
    public long pipeline() throws Exception {
        AtomicLong delivered = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        Sink counting = batch -> {
            if (delivered.addAndGet(batch.size()) >= EVENTS_PER_INVOCATION) {
                done.countDown();
            }
        };
        var builder = Pipeline.builder().source("pg", new ReplaySource(input)).sink("count", counting)
                .stopTimeout(Duration.ofSeconds(10));
        for (int i = 0; i < stages; i++) {
            builder.transform(passThrough("stage" + i));
        }
        try (Pipeline p = builder.build()) {
            p.start();
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("pipeline delivered only " + delivered.get());
            }
        }
        return delivered.get();
    }

    static Transform passThrough(String id) {
        return new Transform() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public void apply(List<ChangeEvent> batch, io.etlcdc.core.spi.TransformCollector out) {
                for (ChangeEvent e : batch) {
                    out.emit(e);
                }
            }
        };
    }

    /** Emits prepared batches as fast as the pipeline takes them, then idles. */
    static final class ReplaySource implements Source {
        private final List<List<ChangeEvent>> batches;
        private volatile boolean stopped;

        ReplaySource(List<List<ChangeEvent>> batches) {
            this.batches = batches;
        }

        @Override
        public void run(SourceContext context) throws Exception {
            for (List<ChangeEvent> b : batches) {
                context.emit(b);
            }
            while (!stopped && context.isRunning()) {
                Thread.sleep(5);
            }
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }
}
