package io.etlcdc.benchmarks.e2e;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.ComponentHealth;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkContext;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps the product's sink: counts what it acknowledged and, when given a recorder, the commit-to-sink
 * latency of each event: the time {@code write} returned (the batch is durable: fsynced file,
 * committed transaction) minus the time the source database committed the change
 * ({@link ChangeEvent#sourceTimestamp()}, PostgreSQL's commit time in milliseconds; one machine, one clock).
 */
final class MeasuringSink implements Sink {
    /** Receives one latency per acknowledged event; called on the pipeline's worker thread. */
    interface LatencyRecorder {
        void record(ChangeEvent event, long latencyMillis);
    }

    private final Sink delegate;
    private final LatencyRecorder recorder;
    final AtomicLong written = new AtomicLong();

    MeasuringSink(Sink delegate, LatencyRecorder recorder) {
        this.delegate = delegate;
        this.recorder = recorder;
    }

    @Override
    public void open(SinkContext context) throws Exception {
        delegate.open(context);
    }

    @Override
    public void write(List<ChangeEvent> batch) throws Exception {
        delegate.write(batch);
        written.addAndGet(batch.size());
        if (recorder != null) {
            long now = System.currentTimeMillis();
            for (ChangeEvent e : batch) {
                recorder.record(e, now - e.sourceTimestamp().toEpochMilli());
            }
        }
    }

    @Override
    public String assetName(String sinkId, String sourceId, String collection) {
        return delegate.assetName(sinkId, sourceId, collection);
    }

    @Override
    public ComponentHealth health() {
        return delegate.health();
    }

    @Override
    public void close() throws Exception {
        delegate.close();
    }
}
