package io.etlcdc.core.connectors;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import io.etlcdc.core.spi.SourceHealth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A source fed from code: each {@link #push} call becomes one batch. For tests and for embedding
 * (feeding events from an application). Positions are the caller's; {@link #committedPositions()}
 * shows what the pipeline acknowledged.
 */
public final class MemorySource implements Source {
    private final LinkedBlockingQueue<List<ChangeEvent>> queue = new LinkedBlockingQueue<>();
    private final List<Position> committed = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopped;
    private volatile Instant lastEventAt;
    private volatile boolean running;

    public MemorySource() {}

    /** A source that will emit these events as one batch. */
    public static MemorySource of(List<ChangeEvent> events) {
        MemorySource s = new MemorySource();
        s.push(events);
        return s;
    }

    /** Queues one batch. Thread-safe. */
    public void push(List<ChangeEvent> batch) {
        if (!batch.isEmpty()) {
            queue.add(List.copyOf(batch));
        }
    }

    public void push(ChangeEvent... events) {
        push(List.of(events));
    }

    /** Batches queued but not yet emitted. */
    public int pending() {
        return queue.size();
    }

    /** Every position the pipeline committed, in order. */
    public List<Position> committedPositions() {
        synchronized (committed) {
            return List.copyOf(committed);
        }
    }

    @Override
    public void run(SourceContext context) throws InterruptedException {
        running = true;
        try {
            while (!stopped && context.isRunning()) {
                List<ChangeEvent> batch = queue.poll(20, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    lastEventAt = Instant.now();
                    context.emit(batch);
                }
            }
        } finally {
            running = false;
        }
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public void onCommitted(Position position) {
        committed.add(position);
    }

    @Override
    public SourceHealth health() {
        return running ? SourceHealth.up(lastEventAt, 0) : SourceHealth.unknown();
    }
}
