package io.etlcdc.core.pipeline;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one {@link Source} on its own thread and is its {@link SourceContext}: drops re-delivered
 * events (dedup against the highest position seen, starting from the committed one) and cuts
 * batches into chunks for the {@link EventBuffer}.
 */
@Internal
final class SourceRunner implements SourceContext {
    private static final Logger LOG = LoggerFactory.getLogger(SourceRunner.class);

    private final String id;
    private final Source source;
    private final Pipeline pipeline;
    private final int chunkSize;
    private volatile Position committed;
    /** Highest position accepted; only touched by the source's thread. */
    private Position highWater;
    private volatile SourceState state = SourceState.STARTING;
    private volatile String error;
    private volatile boolean running = true;
    private Thread thread;

    SourceRunner(String id, Source source, Pipeline pipeline, Position committed, int chunkSize) {
        this.id = id;
        this.source = source;
        this.pipeline = pipeline;
        this.committed = committed;
        this.highWater = committed;
        this.chunkSize = chunkSize;
    }

    void start() {
        thread = new Thread(this::runSource, "etl-source-" + id);
        thread.setDaemon(true);
        thread.start();
    }

    private void runSource() {
        state = SourceState.RUNNING;
        try {
            source.run(this);
            if (state != SourceState.FAILED) {
                state = SourceState.STOPPED;
            }
        } catch (InterruptedException e) {
            state = SourceState.STOPPED;
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            if (running || !(t instanceof InterruptedException)) {
                fail(describe(t), t);
            }
        } finally {
            try {
                source.close();
            } catch (Exception e) {
                LOG.warn("closing source {} failed: {}", id, e.toString());
            }
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof EtlException e) {
            return e.code() + ": " + e.getMessage();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Marks the source failed (capture error, refused schema change) and stops it. */
    void fail(String reason, Throwable cause) {
        if (state == SourceState.FAILED) {
            return;
        }
        error = reason;
        state = SourceState.FAILED;
        LOG.error("source {} failed: {}", id, reason);
        requestStop();
        pipeline.sourceFailed(this, cause != null ? cause : new EtlException(io.etlcdc.core.error.ErrorCode.SOURCE_FAILED, reason));
    }

    void requestStop() {
        running = false;
        try {
            source.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping source {} failed: {}", id, e.toString());
        }
    }

    /** Waits for the source thread to end; true when it did. */
    boolean join(long millis) throws InterruptedException {
        if (thread == null) {
            return true;
        }
        thread.join(millis);
        return !thread.isAlive();
    }

    @Override
    public String sourceId() {
        return id;
    }

    @Override
    public Optional<Position> committedPosition() {
        return Optional.ofNullable(committed);
    }

    @Override
    public void emit(List<ChangeEvent> batch) throws InterruptedException {
        if (!running || !pipeline.isAccepting()) {
            throw new InterruptedException("source " + id + " is stopping");
        }
        if (batch.isEmpty()) {
            return;
        }
        List<ChangeEvent> fresh = dedup(batch);
        if (fresh.isEmpty()) {
            return;
        }
        pipeline.metrics().received(id, fresh.size());
        for (int from = 0; from < fresh.size(); from += chunkSize) {
            List<ChangeEvent> chunk = fresh.size() <= chunkSize ? fresh : fresh.subList(from, Math.min(fresh.size(), from + chunkSize));
            pipeline.buffer().put(new EventBuffer.Chunk(this, chunk), () -> running && pipeline.isAccepting());
        }
    }

    /** Drops events at or below the highest position seen; most batches have none, so nothing is copied then. */
    private List<ChangeEvent> dedup(List<ChangeEvent> batch) {
        Position high = highWater;
        int firstDuplicate = -1;
        for (int i = 0; i < batch.size(); i++) {
            Position p = batch.get(i).position();
            if (!p.isAfter(high)) {
                firstDuplicate = i;
                break;
            }
            high = p;
        }
        if (firstDuplicate < 0) {
            highWater = high;
            return batch;
        }
        List<ChangeEvent> fresh = new ArrayList<>(batch.size());
        fresh.addAll(batch.subList(0, firstDuplicate));
        int duplicates = 0;
        for (int i = firstDuplicate; i < batch.size(); i++) {
            ChangeEvent e = batch.get(i);
            if (e.position().isAfter(high)) {
                fresh.add(e);
                high = e.position();
            } else {
                duplicates++;
            }
        }
        highWater = high;
        pipeline.metrics().duplicates(id, duplicates);
        return fresh;
    }

    @Override
    public boolean isRunning() {
        return running && pipeline.isAccepting();
    }

    @Override
    public Clock clock() {
        return pipeline.clock();
    }

    void committed(Position position) {
        committed = position;
        try {
            source.onCommitted(position);
        } catch (RuntimeException e) {
            LOG.warn("source {} could not acknowledge position {}: {}", id, position, e.toString());
        }
    }

    String id() {
        return id;
    }

    Source source() {
        return source;
    }

    SourceState state() {
        return state;
    }

    String error() {
        return error;
    }

    Position committed() {
        return committed;
    }
}
