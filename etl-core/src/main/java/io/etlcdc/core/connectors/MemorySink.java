package io.etlcdc.core.connectors;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.ComponentHealth;
import io.etlcdc.core.spi.Sink;

import java.util.ArrayList;
import java.util.List;

/** A sink that keeps every event it receives in memory, in order. For tests and embedding. Thread-safe. */
public final class MemorySink implements Sink {
    private final List<ChangeEvent> events = new ArrayList<>();
    private int batches;

    @Override
    public synchronized void write(List<ChangeEvent> batch) {
        events.addAll(batch);
        batches++;
    }

    /** A copy of everything received. */
    public synchronized List<ChangeEvent> events() {
        return List.copyOf(events);
    }

    public synchronized int size() {
        return events.size();
    }

    public synchronized int batches() {
        return batches;
    }

    public synchronized void clear() {
        events.clear();
        batches = 0;
    }

    @Override
    public ComponentHealth health() {
        return ComponentHealth.up();
    }
}
