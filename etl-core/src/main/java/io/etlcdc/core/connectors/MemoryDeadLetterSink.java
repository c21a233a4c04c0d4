package io.etlcdc.core.connectors;

import io.etlcdc.core.spi.DeadLetter;
import io.etlcdc.core.spi.DeadLetterSink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Keeps the most recent dead letters in memory (at most {@code capacity}). Thread-safe. */
public final class MemoryDeadLetterSink implements DeadLetterSink {
    private final int capacity;
    private final ArrayDeque<DeadLetter> recent;
    private long total;

    public MemoryDeadLetterSink() {
        this(10_000);
    }

    public MemoryDeadLetterSink(int capacity) {
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    @Override
    public synchronized void write(List<DeadLetter> deadLetters) {
        for (DeadLetter d : deadLetters) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(d);
            total++;
        }
    }

    @Override
    public synchronized List<DeadLetter> recent(int limit) {
        List<DeadLetter> all = new ArrayList<>(recent);
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    /** Dead letters written since creation. */
    public synchronized long total() {
        return total;
    }
}
