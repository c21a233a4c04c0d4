package io.etlcdc.core.connectors;

import io.etlcdc.core.spi.StateStore;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** State in memory only: lost on restart. For tests. */
public final class MemoryStateStore implements StateStore {
    private final Map<String, Map<String, String>> namespaces = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(String namespace, String key) {
        Map<String, String> ns = namespaces.get(namespace);
        return ns == null ? Optional.empty() : Optional.ofNullable(ns.get(key));
    }

    @Override
    public Map<String, String> getAll(String namespace) {
        Map<String, String> ns = namespaces.get(namespace);
        return ns == null ? Map.of() : new TreeMap<>(ns);
    }

    @Override
    public synchronized void putAll(String namespace, Map<String, String> entries) {
        Map<String, String> ns = namespaces.computeIfAbsent(namespace, k -> new ConcurrentHashMap<>());
        entries.forEach((k, v) -> {
            if (v == null) {
                ns.remove(k);
            } else {
                ns.put(k, v);
            }
        });
    }

    @Override
    public void clear(String namespace) {
        namespaces.remove(namespace);
    }
}
