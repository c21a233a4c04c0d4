package io.etlcdc.benchmarks.e2e;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.FileOffsetStore;
import io.etlcdc.core.connectors.MemoryDeadLetterSink;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineBuilder;
import io.etlcdc.core.pipeline.PipelineListener;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkProvider;
import io.etlcdc.core.spi.SourceProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This product's pipeline in the end-to-end benchmark: the {@code postgresql} source (found through its
 * {@code SourceProvider}, as the server finds it) → the spec's rules → two quality checks → the
 * {@code file} (JSON lines, fsynced per batch) or {@code jdbc} sink, with positions committed to a
 * {@link FileOffsetStore} after every batch, as a durable deployment runs.
 *
 * <p><b>{@code --mode throughput}</b> (default): streams the backlog of a slot made by
 * {@link E2eWorkload} ({@code snapshot_mode: never}, the slot's publication) until {@code --events} are
 * committed. Figures {@code <prefix>_events}, {@code _written}, {@code _dead_letters},
 * {@code _startup_s} (start to first batch handed over), {@code _stream_s} (first batch handed over to
 * last event committed), {@code _events_per_s}, {@code _second_half_events_per_s} (the second half of
 * the events alone: the JIT has compiled the hot path by then), {@code _cpu_us_per_event} (CPU time of the
 * whole process from the first to the last commit, per event), {@code _thread_cpu_s} (the busiest
 * threads' CPU seconds since start); with {@code --rss-interval-ms}, resident memory while
 * draining: {@code _rss_min_mb}, {@code _rss_max_mb}, and the highest sample in the first and in the
 * last quarter of the events, and the highest sample in each tenth of the events.
 *
 * <p><b>{@code --mode latency}</b>: the source makes its own slot and streams from now; once it streams,
 * a generator commits single-row INSERTs at {@code --rate} per second, for {@code --warmup-s} (not
 * measured) then {@code --seconds}. Figures: {@code latency_rate_achieved}, {@code latency_events},
 * {@code latency_p50_ms}, {@code _p90_ms}, {@code _p99_ms}, {@code _max_ms} (commit at the source to
 * the sink's acknowledgement, see {@link MeasuringSink}).
 */
public final class PipelineRun {
    private PipelineRun() {}

    private static int maxBatchSize;

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        String mode = args.get("mode", "throughput");
        String sourceConn = args.get("source");
        String slot = args.get("slot");
        Path work = Path.of(args.get("work"));
        String sinkType = args.get("sink", "file");
        maxBatchSize = (int) args.getLong("max-batch-size", 0);
        Files.createDirectories(work);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tables", List.of("bench_rows"));
        config.put("poll_interval", args.getDouble("poll-interval", 0.1));
        config.put("snapshot_mode", "never");
        config.put("slot_name", slot);
        config.put("publication_name", slot + "_pub");
        // --engine native|debezium: the postgresql source's engine; without it, the source's default (native)
        String engine = args.get("engine", null);
        if (engine != null) {
            config.put("engine", engine);
        }
        ClassLoader cl = PipelineRun.class.getClassLoader();
        TimedSource source = new TimedSource(ProviderRegistry.load(SourceProvider.class, cl).get("postgresql")
                .create(ProviderContext.builder(slot).definition(new ConnectorDefinition(slot, "postgresql", sourceConn, config))
                        .dataDir(work).build()), "latency".equals(mode));

        ConnectorDefinition sinkDefinition = switch (sinkType) {
            case "file" -> new ConnectorDefinition("out", "file", null, Map.of("path", work.resolve(slot + ".jsonl").toString()));
            case "jdbc" -> new ConnectorDefinition("out", "jdbc", args.get("target"), Map.of());
            case "none" -> null;
            default -> throw new IllegalArgumentException("--sink file|jdbc|none, got " + sinkType);
        };
        // "none": a sink that acknowledges at once, to tell the sink's share from the rest (a breakdown figure)
        Sink productSink = sinkDefinition == null ? batch -> { }
                : ProviderRegistry.load(SinkProvider.class, cl).get(sinkType)
                        .create(ProviderContext.builder("out").definition(sinkDefinition).dataDir(work).build());
        boolean stages = switch (args.get("stages", "spec")) {
            case "spec" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("--stages spec|none, got " + args.get("stages"));
        };

        if ("latency".equals(mode)) {
            latency(args, source, productSink, sinkType, stages, work, slot);
        } else {
            throughput(args, source, productSink, sinkType, stages, work, slot);
        }
        System.exit(0);
    }

    private static Pipeline pipeline(TimedSource source, Sink sink, String sinkType, boolean stages, Path work, String slot,
                                     MemoryDeadLetterSink deadLetters, PipelineListener listener) {
        PipelineBuilder b = Pipeline.builder().name("e2e-" + slot).source(slot, source);
        if (maxBatchSize > 0) {
            b.maxBatchSize(maxBatchSize); // --max-batch-size: an experiment's setting; the script keeps the product's default
        }
        if (stages) {
            b.transform(SpecStages.ruleEngine()).quality(SpecStages.qualityGate());
        }
        return b.sink("out", sink, "file".equals(sinkType) ? AssetKind.FILE : AssetKind.SINK_TABLE)
                .deadLetterSink(deadLetters)
                .offsetStore(new FileOffsetStore(work.resolve(slot + "-offsets.json")))
                .listener(listener)
                .stopTimeout(Duration.ofSeconds(60))
                .build();
    }

    private static void throughput(Args args, TimedSource source, Sink productSink, String sinkType, boolean stages, Path work,
                                   String slot)
            throws Exception {
        long expected = args.getLong("events", 200_000);
        long rssInterval = args.getLong("rss-interval-ms", 0);
        String prefix = args.get("figure-prefix", "pipeline_" + sinkType);
        MeasuringSink sink = new MeasuringSink(productSink, null);
        MemoryDeadLetterSink deadLetters = new MemoryDeadLetterSink();
        AtomicLong committed = new AtomicLong();
        AtomicLong lastAt = new AtomicLong();
        AtomicLong halfAt = new AtomicLong();
        AtomicLong committedAtHalf = new AtomicLong();
        AtomicLong committedAtEnd = new AtomicLong();
        AtomicLong cpuAtFirstCommit = new AtomicLong();
        AtomicLong cpuAtEnd = new AtomicLong();
        AtomicLong committedAtFirst = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        PipelineListener listener = new PipelineListener() {
            @Override
            public void onCommitted(String sourceId, Position position, int events) {
                long n = committed.addAndGet(events);
                if (cpuAtFirstCommit.compareAndSet(0, CpuMeter.processCpuNanos())) {
                    committedAtFirst.set(n);
                }
                if (n >= expected / 2 && halfAt.compareAndSet(0, System.nanoTime())) {
                    committedAtHalf.set(n);
                }
                if (n >= expected && lastAt.compareAndSet(0, System.nanoTime())) {
                    cpuAtEnd.set(CpuMeter.processCpuNanos());
                    committedAtEnd.set(n);
                    done.countDown();
                }
            }
        };
        RssSampler rss = rssInterval > 0 ? new RssSampler(rssInterval, committed::get) : null;
        long startedAt = System.nanoTime();
        String threads;
        try (Pipeline p = pipeline(source, sink, sinkType, stages, work, slot, deadLetters, listener)) {
            p.start();
            while (!done.await(1, TimeUnit.SECONDS)) {
                if (p.state().isTerminal()) {
                    throw new IllegalStateException("pipeline " + p.state() + " after " + committed.get() + " events: "
                            + p.failure().orElse("?"));
                }
            }
            threads = CpuMeter.busiestThreads(slot, 6);
        }
        if (rss != null) {
            rss.close();
        }
        long first = source.firstEmitNanos.get();
        double stream = (lastAt.get() - first) / 1e9;
        Figures.print(prefix + "_events", committedAtEnd.get());
        Figures.print(prefix + "_written", sink.written.get());
        Figures.print(prefix + "_dead_letters", deadLetters.total());
        Figures.print(prefix + "_startup_s", (first - startedAt) / 1e9);
        Figures.print(prefix + "_stream_s", stream);
        Figures.print(prefix + "_events_per_s", committedAtEnd.get() / stream);
        Figures.print(prefix + "_cpu_us_per_event",
                (cpuAtEnd.get() - cpuAtFirstCommit.get()) / 1e3 / (committedAtEnd.get() - committedAtFirst.get()));
        Figures.print(prefix + "_thread_cpu_s", threads);
        Figures.print(prefix + "_second_half_events_per_s", (committedAtEnd.get() - committedAtHalf.get()) / ((lastAt.get() - halfAt.get()) / 1e9));
        if (rss != null) {
            printRss(prefix, rss.samples(), expected);
        }
    }

    private static void printRss(String prefix, List<RssSampler.Sample> samples, long expected) {
        // the drain: from the first committed batch until everything is committed
        List<RssSampler.Sample> drain = samples.stream().filter(s -> s.progress() > 0 && s.rssKib() > 0).toList();
        if (drain.isEmpty()) {
            Figures.print(prefix + "_rss", "unavailable");
            return;
        }
        long min = drain.stream().mapToLong(RssSampler.Sample::rssKib).min().orElseThrow();
        long max = drain.stream().mapToLong(RssSampler.Sample::rssKib).max().orElseThrow();
        long firstQuarter = drain.stream().filter(s -> s.progress() <= expected / 4).mapToLong(RssSampler.Sample::rssKib).max().orElse(-1);
        long lastQuarter = drain.stream().filter(s -> s.progress() >= expected * 3 / 4).mapToLong(RssSampler.Sample::rssKib).max().orElse(-1);
        Figures.print(prefix + "_rss_samples", drain.size());
        Figures.print(prefix + "_rss_min_mb", min / 1024.0);
        Figures.print(prefix + "_rss_max_mb", max / 1024.0);
        Figures.print(prefix + "_rss_first_quarter_max_mb", firstQuarter / 1024.0);
        Figures.print(prefix + "_rss_last_quarter_max_mb", lastQuarter / 1024.0);
        StringBuilder deciles = new StringBuilder();
        for (int d = 0; d < 10; d++) {
            long lo = expected * d / 10;
            long hi = expected * (d + 1) / 10;
            long m = drain.stream().filter(s -> s.progress() > lo && s.progress() <= hi).mapToLong(RssSampler.Sample::rssKib).max().orElse(-1);
            deciles.append(d == 0 ? "" : ",").append(m < 0 ? "-" : Long.toString(Math.round(m / 1024.0)));
        }
        Figures.print(prefix + "_rss_max_mb_by_tenth", deciles.toString());
        Figures.print(prefix + "_heap_limit_mb", Runtime.getRuntime().maxMemory() / 1048576.0);
    }

    private static void latency(Args args, TimedSource source, Sink productSink, String sinkType, boolean stages, Path work,
                                String slot) throws Exception {
        double rate = args.getDouble("rate", 500);
        long warmup = Math.round(rate * args.getDouble("warmup-s", 10));
        long measured = Math.round(rate * args.getDouble("seconds", 60));
        long firstId = args.getLong("first-id", 10_000_000);
        long firstMeasuredId = firstId + warmup;
        String prefix = args.get("figure-prefix", "latency");
        long[] commitToSink = new long[(int) measured];
        long[] commitToSource = new long[(int) measured];
        long[] sourceToSink = new long[(int) measured];
        AtomicLong recorded = new AtomicLong();
        CountDownLatch allMeasured = new CountDownLatch(1);
        MeasuringSink sink = new MeasuringSink(productSink, (event, millis) -> {
            long emittedAt = source.takeEmittedAtMillis(event.position());
            Object id = event.after() == null ? null : event.after().get("id");
            if (id instanceof Number n && n.longValue() >= firstMeasuredId) {
                int i = (int) recorded.getAndIncrement();
                if (i < commitToSink.length) {
                    commitToSink[i] = millis;
                    commitToSource[i] = emittedAt - event.sourceTimestamp().toEpochMilli();
                    sourceToSink[i] = millis - commitToSource[i];
                }
                if (i + 1 == commitToSink.length) {
                    allMeasured.countDown();
                }
            }
        });
        MemoryDeadLetterSink deadLetters = new MemoryDeadLetterSink();
        try (Pipeline p = pipeline(source, sink, sinkType, stages, work, slot, deadLetters, PipelineListener.NONE);
             Connection c = Jdbc.open(args.get("source"))) {
            p.start();
            awaitStreaming(c, slot, p);
            Thread.sleep(2_000);
            double achieved = SteadyInserts.run(c, firstId, warmup, measured, rate);
            if (!allMeasured.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + recorded.get() + " of " + measured + " measured events reached the sink");
            }
            Figures.print(prefix + "_rate_target", rate);
            Figures.print(prefix + "_rate_achieved", achieved);
            Figures.print(prefix + "_events", measured);
            Figures.print(prefix + "_dead_letters", deadLetters.total());
            SteadyInserts.printPercentiles(prefix, commitToSink);
            // where the time goes: database commit -> the source hands the event over -> the sink acknowledged
            SteadyInserts.printPercentiles(prefix + "_commit_to_source", commitToSource);
            SteadyInserts.printPercentiles(prefix + "_source_to_sink", sourceToSink);
        }
    }

    /** Waits until the source's replication slot is in use (Debezium is streaming from it). */
    private static void awaitStreaming(Connection c, String slot, Pipeline p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (p.state().isTerminal()) {
                throw new IllegalStateException("pipeline " + p.state() + ": " + p.failure().orElse("?"));
            }
            try (PreparedStatement s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, slot);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next() && r.getBoolean(1)) {
                        return;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the source did not start streaming from slot " + slot + " within 120 s");
    }
}
