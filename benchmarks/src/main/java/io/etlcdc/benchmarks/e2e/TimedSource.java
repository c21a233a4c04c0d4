package io.etlcdc.benchmarks.e2e;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import io.etlcdc.core.spi.SourceHealth;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps the product's source to note when it handed over its first batch ({@link System#nanoTime()}),
 * the counterpart of the baseline's "first record reached the consumer", and, when asked, when it handed
 * over each event (wall clock, by position: rules make new events but keep the position). Delegates
 * everything else.
 */
final class TimedSource implements Source {
    private final Source delegate;
    private final Map<Position, Long> emittedAtMillis;
    final AtomicLong firstEmitNanos = new AtomicLong();

    TimedSource(Source delegate, boolean perEvent) {
        this.delegate = delegate;
        this.emittedAtMillis = perEvent ? new ConcurrentHashMap<>() : null;
    }

    /** When the event at this position was handed to the pipeline (and forgets it), or -1. */
    long takeEmittedAtMillis(Position position) {
        Long at = emittedAtMillis == null ? null : emittedAtMillis.remove(position);
        return at == null ? -1 : at;
    }

    @Override
    public void run(SourceContext context) throws Exception {
        delegate.run(new SourceContext() {
            @Override
            public String sourceId() {
                return context.sourceId();
            }

            @Override
            public Optional<Position> committedPosition() {
                return context.committedPosition();
            }

            @Override
            public void emit(List<ChangeEvent> batch) throws InterruptedException {
                if (!batch.isEmpty()) {
                    firstEmitNanos.compareAndSet(0, System.nanoTime());
                }
                if (emittedAtMillis != null) {
                    long now = System.currentTimeMillis();
                    for (ChangeEvent e : batch) {
                        emittedAtMillis.put(e.position(), now);
                    }
                }
                context.emit(batch);
            }

            @Override
            public boolean isRunning() {
                return context.isRunning();
            }

            @Override
            public Clock clock() {
                return context.clock();
            }
        });
    }

    @Override
    public void stop() {
        delegate.stop();
    }

    @Override
    public void onCommitted(Position position) {
        delegate.onCommitted(position);
    }

    @Override
    public SourceHealth health() {
        return delegate.health();
    }

    @Override
    public void requestSnapshot(List<String> tables) {
        delegate.requestSnapshot(tables);
    }

    @Override
    public void close() throws Exception {
        delegate.close();
    }
}
