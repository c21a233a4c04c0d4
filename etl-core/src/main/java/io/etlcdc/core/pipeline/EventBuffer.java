package io.etlcdc.core.pipeline;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.event.ChangeEvent;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The bounded hand-off between sources and the pipeline worker. The bound counts events that are
 * queued <em>or</em> still being processed: permits are taken when a source puts a chunk and given
 * back only after the chunk's positions were committed. A slow sink therefore stops the sources
 * instead of growing memory.
 */
@Internal
final class EventBuffer {

    /**
     * A chunk of one source's events, in order; or, with {@code source == null}, events replayed from
     * the dead-letter sink, which are processed on their own and never commit a position.
     */
    record Chunk(SourceRunner source, List<ChangeEvent> events) {
        boolean isReplay() {
            return source == null;
        }
    }

    private final int capacity;
    private final Semaphore permits;
    private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();

    EventBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
    }

    int capacity() {
        return capacity;
    }

    /** Events queued or in flight. */
    int used() {
        return capacity - permits.availablePermits();
    }

    /**
     * Puts a chunk (at most {@link #capacity()} events), waiting while the buffer is full.
     *
     * @throws InterruptedException when interrupted or when {@code running} turns false while waiting
     */
    void put(Chunk chunk, BooleanSupplier running) throws InterruptedException {
        int n = chunk.events().size();
        while (!permits.tryAcquire(n, 50, TimeUnit.MILLISECONDS)) {
            if (!running.getAsBoolean()) {
                throw new InterruptedException("pipeline is stopping");
            }
        }
        queue.add(chunk);
    }

    Chunk poll(long timeoutMillis) throws InterruptedException {
        return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    Chunk pollNow() {
        return queue.poll();
    }

    /** The next chunk without taking it, or null. */
    Chunk peek() {
        return queue.peek();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Gives back the permits of processed events. */
    void release(int events) {
        if (events > 0) {
            permits.release(events);
        }
    }
}
