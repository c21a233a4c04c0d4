package io.etlcdc.benchmarks.e2e;

import io.debezium.embedded.Connect;
import io.debezium.engine.format.Json;
import io.debezium.engine.format.SerializationFormat;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.spi.OffsetCommitPolicy;
import io.etlcdc.core.config.ConnectionString;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline of the end-to-end benchmark: the raw Debezium embedded engine (Connect format,
 * {@link SourceRecord}s, or with {@code --format json} JSON text, as issue 13's ratio asks) streaming a slot's backlog into a consumer that only counts, then marks the
 * batch processed. Tuned exactly as this product's PostgreSQL source tunes its engine
 * ({@code DebeziumSource.engineProperties} and {@code PostgresDialect.connectorProperties}): same batch
 * and queue sizes, same poll interval, same value conversions, same commit policy; only the offset
 * store differs (Kafka Connect's in-memory one here, the product's in-memory one there).
 *
 * <p>Usage: {@code DebeziumBaseline --source <conn> --slot <slot> --events N [--poll-interval 0.1] [--format connect|json]}
 * (the slot and its publication {@code <slot>_pub} made by {@link E2eWorkload}). Figures:
 * {@code debezium_baseline_events}, {@code _startup_s} (engine start to first record),
 * {@code _stream_s} (first to last record), {@code _events_per_s} (events ÷ stream time),
 * {@code _second_half_events_per_s} (the second half of the events alone, once the JIT has compiled),
 * {@code _cpu_us_per_event} (process CPU time from the first to the last record, per record) and
 * {@code _thread_cpu_s} (the busiest threads' CPU seconds since start).
 *
 * <p>With {@code --mode latency --rate 500 --warmup-s 10 --seconds 60}: the engine makes its own slot,
 * and once it streams, {@link SteadyInserts} commits rows at the rate; figures
 * {@code debezium_latency_p50_ms} ... {@code _max_ms}: the database's commit time ({@code source.ts_ms})
 * to the moment the consumer holds the record, for the measured rows.
 */
public final class DebeziumBaseline {
    private DebeziumBaseline() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        if ("latency".equals(args.get("mode", "throughput"))) {
            latency(args);
            System.exit(0);
        }
        long expected = args.getLong("events", 200_000);
        String slot = args.get("slot");
        String prefix = args.get("figure-prefix", "debezium_baseline");
        Properties props = engineProperties(ConnectionString.parse(args.get("source")), slot, args.getDouble("poll-interval", 0.1));

        AtomicLong count = new AtomicLong();
        AtomicLong firstAt = new AtomicLong();
        AtomicLong lastAt = new AtomicLong();
        AtomicLong halfAt = new AtomicLong();
        AtomicLong countAtHalf = new AtomicLong();
        AtomicLong countAtEnd = new AtomicLong();
        AtomicLong cpuAtFirst = new AtomicLong();
        AtomicLong countAtFirst = new AtomicLong();
        AtomicLong cpuAtEnd = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<Throwable> finished = new CompletableFuture<>();
        long startedAt = System.nanoTime();
        Class<? extends SerializationFormat<?>> format = switch (args.get("format", "connect")) {
            case "connect" -> Connect.class;
            case "json" -> Json.class;
            default -> throw new IllegalArgumentException("--format connect|json, got " + args.get("format"));
        };
        DebeziumEngine<?> engine = counting(format, props, finished, (records, committer) -> {
                    if (records.isEmpty()) {
                        return;
                    }
                    firstAt.compareAndSet(0, System.nanoTime());
                    long n = count.addAndGet(records.size());
                    if (cpuAtFirst.compareAndSet(0, CpuMeter.processCpuNanos())) {
                        countAtFirst.set(n);
                    }
                    committer.markProcessed(records.get(records.size() - 1));
                    committer.markBatchFinished();
                    if (n >= expected / 2 && halfAt.compareAndSet(0, System.nanoTime())) {
                        countAtHalf.set(n);
                    }
                    if (n >= expected && lastAt.compareAndSet(0, System.nanoTime())) {
                        cpuAtEnd.set(CpuMeter.processCpuNanos());
                        countAtEnd.set(n);
                        done.countDown();
                    }
                });
        ExecutorService runner = Executors.newSingleThreadExecutor();
        runner.execute(engine);
        while (!done.await(1, TimeUnit.SECONDS)) {
            if (finished.isDone()) {
                throw new IllegalStateException("the engine stopped after " + count.get() + " records", finished.get());
            }
        }
        String threads = CpuMeter.busiestThreads(slot, 6);
        engine.close();
        runner.shutdown();
        runner.awaitTermination(60, TimeUnit.SECONDS);

        double stream = (lastAt.get() - firstAt.get()) / 1e9;
        Figures.print(prefix + "_events", countAtEnd.get());
        Figures.print(prefix + "_startup_s", (firstAt.get() - startedAt) / 1e9);
        Figures.print(prefix + "_stream_s", stream);
        Figures.print(prefix + "_events_per_s", countAtEnd.get() / stream);
        Figures.print(prefix + "_cpu_us_per_event", (cpuAtEnd.get() - cpuAtFirst.get()) / 1e3 / (countAtEnd.get() - countAtFirst.get()));
        Figures.print(prefix + "_thread_cpu_s", threads);
        Figures.print(prefix + "_second_half_events_per_s", (countAtEnd.get() - countAtHalf.get()) / ((lastAt.get() - halfAt.get()) / 1e9));
        System.exit(0);
    }

    /**
     * The engine in the given format ({@link Connect}: SourceRecords; {@link Json}: JSON text) with a consumer
     * that sees its records as plain objects (the counting consumer does not look into them).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static DebeziumEngine<?> counting(Class<? extends SerializationFormat<?>> format, Properties props,
                                              CompletableFuture<Throwable> finished, DebeziumEngine.ChangeConsumer<Object> consumer) {
        return DebeziumEngine.create((Class) format)
                .using(props)
                .using(OffsetCommitPolicy.always())
                .using((success, message, error) -> finished.complete(success ? null : error != null ? error : new IllegalStateException(message)))
                .notifying((DebeziumEngine.ChangeConsumer) consumer)
                .build();
    }

    private static void latency(Args args) throws Exception {
        String slot = args.get("slot");
        double rate = args.getDouble("rate", 500);
        long warmup = Math.round(rate * args.getDouble("warmup-s", 10));
        long measured = Math.round(rate * args.getDouble("seconds", 60));
        long firstId = args.getLong("first-id", 20_000_000);
        long firstMeasuredId = firstId + warmup;
        String prefix = args.get("figure-prefix", "debezium_latency");
        long[] latencies = new long[(int) measured];
        AtomicLong recorded = new AtomicLong();
        CountDownLatch allMeasured = new CountDownLatch(1);
        CompletableFuture<Throwable> finished = new CompletableFuture<>();
        DebeziumEngine<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> engine = DebeziumEngine.create(Connect.class)
                .using(engineProperties(ConnectionString.parse(args.get("source")), slot, args.getDouble("poll-interval", 0.1)))
                .using(OffsetCommitPolicy.always())
                .using((success, message, error) -> finished.complete(success ? null : error != null ? error : new IllegalStateException(message)))
                .notifying((List<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> records,
                            DebeziumEngine.RecordCommitter<io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord>> committer) -> {
                    long now = System.currentTimeMillis();
                    for (io.debezium.engine.ChangeEvent<SourceRecord, SourceRecord> r : records) {
                        if (!(r.value().value() instanceof Struct envelope) || envelope.schema().field("after") == null
                                || envelope.getStruct("after") == null) {
                            continue;
                        }
                        long id = envelope.getStruct("after").getInt64("id");
                        if (id >= firstMeasuredId) {
                            int i = (int) recorded.getAndIncrement();
                            if (i < latencies.length) {
                                latencies[i] = now - envelope.getStruct("source").getInt64("ts_ms");
                            }
                            if (i + 1 == latencies.length) {
                                allMeasured.countDown();
                            }
                        }
                    }
                    if (!records.isEmpty()) {
                        committer.markProcessed(records.get(records.size() - 1));
                    }
                    committer.markBatchFinished();
                })
                .build();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        runner.execute(engine);
        try (java.sql.Connection c = Jdbc.open(args.get("source"))) {
            awaitActive(c, slot, finished);
            Thread.sleep(2_000);
            double achieved = SteadyInserts.run(c, firstId, warmup, measured, rate);
            if (!allMeasured.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + recorded.get() + " of " + measured + " measured records arrived");
            }
            Figures.print(prefix + "_rate_achieved", achieved);
            Figures.print(prefix + "_events", measured);
            SteadyInserts.printPercentiles(prefix, latencies);
        } finally {
            engine.close();
            runner.shutdown();
            runner.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /** Waits until the engine streams from its slot. */
    static void awaitActive(java.sql.Connection c, String slot, CompletableFuture<Throwable> finished) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (finished.isDone()) {
                throw new IllegalStateException("the engine stopped", finished.get());
            }
            try (java.sql.PreparedStatement s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, slot);
                try (java.sql.ResultSet r = s.executeQuery()) {
                    if (r.next() && r.getBoolean(1)) {
                        return;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the engine did not stream from slot " + slot + " within 120 s");
    }

    /** The product source's engine properties for one slot (see the class comment). */
    static Properties engineProperties(ConnectionString pg, String slot, double pollIntervalSeconds) {
        Properties p = new Properties();
        p.setProperty("name", "e2e-" + slot);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", slot);
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.timeout.ms", "10000");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("poll.interval.ms", Long.toString(Math.max(10, Math.round(pollIntervalSeconds * 1000))));
        p.setProperty("signal.enabled.channels", "in-process");
        p.setProperty("max.batch.size", "4096");
        p.setProperty("max.queue.size", "16384");
        p.setProperty("database.hostname", pg.host());
        p.setProperty("database.port", Integer.toString(pg.port(5432)));
        p.setProperty("database.user", pg.user().orElse("postgres"));
        p.setProperty("database.password", pg.password().orElse(""));
        p.setProperty("database.dbname", pg.database().orElse("postgres"));
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", slot + "_pub");
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", java.util.regex.Pattern.quote(E2eWorkload.TABLE));
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("skipped.operations", "none");
        p.setProperty("column.propagate.source.type", ".*");
        p.setProperty("include.unknown.datatypes", "true");
        p.setProperty("interval.handling.mode", "string");
        p.setProperty("hstore.handling.mode", "json");
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("errors.max.retries", "0");
        return p;
    }
}
