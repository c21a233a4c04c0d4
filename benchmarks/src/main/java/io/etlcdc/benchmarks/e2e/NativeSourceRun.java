package io.etlcdc.benchmarks.e2e;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import io.etlcdc.core.spi.SourceProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@code postgresql} source alone (no runtime, no stages, no sink): its {@code run} emits into a
 * context that only counts, until {@code --events} change events arrived from the slot's backlog.
 * {@code --engine native} (default) or {@code debezium}. Figures {@code <prefix>_events},
 * {@code _startup_s}, {@code _stream_s} (first batch to the last event counted), {@code _events_per_s},
 * {@code _cpu_us_per_event} (whole process, first to last batch). Each event is a full
 * {@link ChangeEvent}: typed values, key, schema and position, as the pipeline gets it.
 */
public final class NativeSourceRun {
    private NativeSourceRun() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        String slot = args.get("slot");
        long expected = args.getLong("events", 200_000);
        String prefix = args.get("figure-prefix", "native_source");
        Path work = Path.of(args.get("work"));
        Files.createDirectories(work);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("tables", List.of("bench_rows"));
        config.put("poll_interval", args.getDouble("poll-interval", 0.1));
        config.put("snapshot_mode", "never");
        config.put("slot_name", slot);
        config.put("publication_name", slot + "_pub");
        config.put("engine", args.get("engine", "native"));
        Source source = ProviderRegistry.load(SourceProvider.class, NativeSourceRun.class.getClassLoader()).get("postgresql")
                .create(ProviderContext.builder(slot).definition(new ConnectorDefinition(slot, "postgresql", args.get("source"), config))
                        .dataDir(work).build());
        AtomicLong count = new AtomicLong();
        AtomicLong firstAt = new AtomicLong();
        AtomicLong lastAt = new AtomicLong();
        AtomicLong cpuFirst = new AtomicLong();
        AtomicLong countFirst = new AtomicLong();
        AtomicLong cpuEnd = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        SourceContext context = new SourceContext() {
            @Override
            public String sourceId() {
                return slot;
            }

            @Override
            public Optional<Position> committedPosition() {
                return Optional.empty();
            }

            @Override
            public void emit(List<ChangeEvent> batch) {
                if (batch.isEmpty()) {
                    return;
                }
                if (firstAt.compareAndSet(0, System.nanoTime())) {
                    cpuFirst.set(CpuMeter.processCpuNanos());
                    countFirst.set(batch.size());
                }
                long n = count.addAndGet(batch.size());
                if (n >= expected && lastAt.compareAndSet(0, System.nanoTime())) {
                    cpuEnd.set(CpuMeter.processCpuNanos());
                    done.countDown();
                }
            }

            @Override
            public boolean isRunning() {
                return done.getCount() > 0;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long startedAt = System.nanoTime();
        Thread runner = new Thread(() -> {
            try {
                source.run(context);
            } catch (Throwable t) {
                failure.set(t);
                done.countDown();
            }
        }, "source-" + slot);
        runner.start();
        if (!done.await(600, TimeUnit.SECONDS) || failure.get() != null) {
            throw new IllegalStateException("source stopped after " + count.get() + " events", failure.get());
        }
        source.stop();
        runner.join(30_000);
        double stream = (lastAt.get() - firstAt.get()) / 1e9;
        Figures.print(prefix + "_events", count.get());
        Figures.print(prefix + "_startup_s", (firstAt.get() - startedAt) / 1e9);
        Figures.print(prefix + "_stream_s", stream);
        Figures.print(prefix + "_events_per_s", count.get() / stream);
        Figures.print(prefix + "_cpu_us_per_event", (cpuEnd.get() - cpuFirst.get()) / 1e3 / (count.get() - countFirst.get()));
        System.exit(0);
    }
}
