package io.etlcdc.core.connectors;

import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.StateStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * State as one JSON file per namespace under a directory, each rewritten atomically on
 * {@link #putAll}. Good for small state (join tables and aggregates of thousands of keys); for large
 * state use a database-backed store. A file that cannot be read fails loudly, naming it.
 */
public final class FileStateStore implements StateStore {
    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() { };

    private final Path dir;
    private final Map<String, TreeMap<String, String>> cache = new HashMap<>();

    public FileStateStore(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    private Path fileOf(String namespace) {
        StringBuilder safe = new StringBuilder();
        for (char c : namespace.toCharArray()) {
            safe.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        return dir.resolve(safe + "-" + Integer.toHexString(namespace.hashCode()) + ".json");
    }

    private TreeMap<String, String> load(String namespace) {
        return cache.computeIfAbsent(namespace, ns -> {
            Path f = fileOf(ns);
            if (!Files.exists(f)) {
                return new TreeMap<>();
            }
            try {
                return EtlJson.mapper().readValue(Files.readString(f, StandardCharsets.UTF_8), MAP);
            } catch (IOException | RuntimeException e) {
                throw new EtlException(ErrorCode.STATE_CORRUPT, "state file " + f + " (namespace '" + ns + "') is unreadable: "
                        + e.getMessage() + ". Restore it from a backup or delete it to rebuild that state.", e);
            }
        });
    }

    @Override
    public synchronized Optional<String> get(String namespace, String key) {
        return Optional.ofNullable(load(namespace).get(key));
    }

    @Override
    public synchronized Map<String, String> getAll(String namespace) {
        return new TreeMap<>(load(namespace));
    }

    @Override
    public synchronized void putAll(String namespace, Map<String, String> entries) {
        TreeMap<String, String> next = new TreeMap<>(load(namespace));
        entries.forEach((k, v) -> {
            if (v == null) {
                next.remove(k);
            } else {
                next.put(k, v);
            }
        });
        try {
            AtomicFiles.write(fileOf(namespace), EtlJson.mapper().writeValueAsBytes(next));
        } catch (IOException e) {
            throw new RetriableEtlException(ErrorCode.STATE_CORRUPT, "could not write state file " + fileOf(namespace) + ": " + e.getMessage(), e);
        }
        cache.put(namespace, next);
    }

    @Override
    public synchronized void clear(String namespace) {
        cache.remove(namespace);
        try {
            Files.deleteIfExists(fileOf(namespace));
        } catch (IOException e) {
            throw new EtlException(ErrorCode.STATE_CORRUPT, "could not delete state file " + fileOf(namespace) + ": " + e.getMessage(), e);
        }
    }
}
