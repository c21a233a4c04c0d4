package io.etlcdc.core.connectors;

import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.OffsetStore;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Positions in memory only: lost on restart. For tests and throw-away pipelines. */
public final class MemoryOffsetStore implements OffsetStore {
    private final Map<String, Position> positions = new ConcurrentHashMap<>();

    @Override
    public Optional<Position> load(String sourceId) {
        return Optional.ofNullable(positions.get(sourceId));
    }

    @Override
    public Map<String, Position> loadAll() {
        return new TreeMap<>(positions);
    }

    @Override
    public void commit(String sourceId, Position position) {
        positions.put(sourceId, position);
    }

    @Override
    public void reset(String sourceId) {
        positions.remove(sourceId);
    }
}
