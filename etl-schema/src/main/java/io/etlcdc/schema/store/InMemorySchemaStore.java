package io.etlcdc.schema.store;

import io.etlcdc.schema.CompatibilityMode;
import io.etlcdc.schema.SchemaType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A {@link SchemaStore} in memory: for tests and embedding without persistence (everything is lost on exit). Thread-safe. */
public final class InMemorySchemaStore implements SchemaStore {
    private final Map<String, StoredSchema> byFingerprint = new HashMap<>();
    private final Map<Long, StoredSchema> byId = new HashMap<>();
    private final Map<String, List<StoredVersion>> versions = new TreeMap<>();
    private final Map<String, CompatibilityMode> modes = new HashMap<>();
    private CompatibilityMode globalMode;
    private long nextId = 1;

    @Override
    public synchronized long schemaId(SchemaType type, String fingerprint, String canonical) {
        StoredSchema existing = byFingerprint.get(fingerprint);
        if (existing != null) {
            return existing.id();
        }
        StoredSchema s = new StoredSchema(nextId++, type, fingerprint, canonical);
        byFingerprint.put(fingerprint, s);
        byId.put(s.id(), s);
        return s.id();
    }

    @Override
    public synchronized Optional<StoredSchema> schema(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(versions.keySet());
    }

    @Override
    public synchronized List<StoredVersion> versions(String subject) {
        List<StoredVersion> v = versions.get(subject);
        return v == null ? List.of() : List.copyOf(v);
    }

    @Override
    public synchronized boolean addVersion(String subject, int version, long schemaId, Instant registeredAt) {
        List<StoredVersion> list = versions.computeIfAbsent(subject, k -> new ArrayList<>());
        if (list.stream().anyMatch(v -> v.version() == version)) {
            return false;
        }
        list.add(new StoredVersion(subject, version, schemaId, registeredAt));
        list.sort((a, b) -> Integer.compare(a.version(), b.version()));
        return true;
    }

    @Override
    public synchronized Optional<CompatibilityMode> compatibility(String subject) {
        return Optional.ofNullable(subject == null ? globalMode : modes.get(subject));
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityMode mode) {
        if (subject == null) {
            globalMode = mode;
        } else if (mode == null) {
            modes.remove(subject);
        } else {
            modes.put(subject, mode);
        }
    }
}
