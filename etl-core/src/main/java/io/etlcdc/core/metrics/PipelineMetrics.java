package io.etlcdc.core.metrics;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of a pipeline, updated once per batch (never per event) and read by status pages and
 * the server's Prometheus export. Thread-safe and lock-free.
 */
public final class PipelineMetrics {
    private final Clock clock;
    private final LongAdder received = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder filtered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final Map<String, StageCounters> stages = new ConcurrentHashMap<>();
    private final Map<String, SinkCounters> sinks = new ConcurrentHashMap<>();
    private final Map<String, SourceCounters> sources = new ConcurrentHashMap<>();
    private final Throughput throughput;

    public PipelineMetrics(Clock clock) {
        this.clock = clock;
        this.throughput = new Throughput(clock, 10);
    }

    /** Counters of one stage (transform, quality, schema, ...). */
    public static final class StageCounters {
        final LongAdder in = new LongAdder();
        final LongAdder out = new LongAdder();
        final LongAdder filtered = new LongAdder();
        final LongAdder dropped = new LongAdder();
        final LongAdder deadLettered = new LongAdder();

        public void record(long inCount, long outCount, long filteredCount, long droppedCount, long deadCount) {
            in.add(inCount);
            out.add(outCount);
            filtered.add(filteredCount);
            dropped.add(droppedCount);
            deadLettered.add(deadCount);
        }
    }

    /** Counters of one sink. */
    public static final class SinkCounters {
        final LongAdder written = new LongAdder();
        final LongAdder batches = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder failures = new LongAdder();
        final AtomicLong lastWriteNanos = new AtomicLong();
    }

    /** Counters of one source. */
    public static final class SourceCounters {
        final LongAdder received = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder committed = new LongAdder();
        final AtomicLong lastEventMillis = new AtomicLong(-1);
        final AtomicLong lastCommitMillis = new AtomicLong(-1);
        final AtomicLong lagMillis = new AtomicLong(-1);

        /** Lag of the last committed batch: source commit time to sink acknowledgement, ms; -1 when none yet. */
        public long lagMillis() {
            return lagMillis.get();
        }
    }

    public StageCounters stage(String name) {
        return stages.computeIfAbsent(name, k -> new StageCounters());
    }

    public SinkCounters sink(String id) {
        return sinks.computeIfAbsent(id, k -> new SinkCounters());
    }

    public SourceCounters source(String id) {
        return sources.computeIfAbsent(id, k -> new SourceCounters());
    }

    /** Events accepted from a source after dedup. */
    public void received(String sourceId, int count) {
        received.add(count);
        SourceCounters s = source(sourceId);
        s.received.add(count);
        s.lastEventMillis.set(clock.millis());
    }

    public void duplicates(String sourceId, int count) {
        duplicates.add(count);
        source(sourceId).duplicates.add(count);
    }

    /** A batch reached every sink and its positions were committed. */
    public void committed(String sourceId, int count, long lagMillis) {
        SourceCounters s = source(sourceId);
        s.committed.add(count);
        s.lastCommitMillis.set(clock.millis());
        s.lagMillis.set(lagMillis);
    }

    public void batchDone(int deliveredCount, int filteredCount, int droppedCount, int deadCount, int processedCount) {
        batches.increment();
        delivered.add(deliveredCount);
        filtered.add(filteredCount);
        dropped.add(droppedCount);
        deadLettered.add(deadCount);
        throughput.add(processedCount);
    }

    public void sinkWritten(String sinkId, int count, long nanos) {
        SinkCounters s = sink(sinkId);
        s.written.add(count);
        s.batches.increment();
        s.lastWriteNanos.set(nanos);
    }

    public void sinkRetry(String sinkId) {
        sink(sinkId).retries.increment();
    }

    public void sinkFailure(String sinkId) {
        sink(sinkId).failures.increment();
    }

    /** Events processed per second over the last ten seconds. */
    public double eventsPerSecond() {
        return throughput.perSecond();
    }

    /** An immutable copy of every figure. */
    public MetricsSnapshot snapshot() {
        Map<String, MetricsSnapshot.Stage> st = new TreeMap<>();
        stages.forEach((k, v) -> st.put(k, new MetricsSnapshot.Stage(v.in.sum(), v.out.sum(), v.filtered.sum(),
                v.dropped.sum(), v.deadLettered.sum())));
        Map<String, MetricsSnapshot.SinkFigures> sk = new TreeMap<>();
        sinks.forEach((k, v) -> sk.put(k, new MetricsSnapshot.SinkFigures(v.written.sum(), v.batches.sum(),
                v.retries.sum(), v.failures.sum(), v.lastWriteNanos.get() / 1_000_000.0)));
        Map<String, MetricsSnapshot.SourceFigures> so = new TreeMap<>();
        sources.forEach((k, v) -> so.put(k, new MetricsSnapshot.SourceFigures(v.received.sum(), v.duplicates.sum(),
                v.committed.sum(), v.lastEventMillis.get(), v.lastCommitMillis.get(), v.lagMillis.get())));
        return new MetricsSnapshot(received.sum(), duplicates.sum(), delivered.sum(), filtered.sum(), dropped.sum(),
                deadLettered.sum(), batches.sum(), eventsPerSecond(), st, sk, so);
    }
}
