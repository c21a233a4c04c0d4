package io.etlcdc.core.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.OffsetStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The default offset store: one JSON file ({@code data/offsets.json}) rewritten atomically on every
 * commit (temporary file, fsync, rename, directory fsync). A file that exists but cannot be read
 * stops the start with an error naming it: starting from "now" would silently lose changes.
 */
public final class FileOffsetStore implements OffsetStore {
    private static final int FORMAT = 1;

    private final Path file;
    private final Map<String, Position> positions = new TreeMap<>();

    /**
     * Opens the store, reading {@code file} when it exists.
     *
     * @throws EtlException {@link ErrorCode#STATE_CORRUPT} naming the file when it cannot be read
     */
    public FileOffsetStore(Path file) {
        this.file = file.toAbsolutePath();
        read();
    }

    public Path file() {
        return file;
    }

    private void read() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            JsonNode root = EtlJson.mapper().readTree(bytes);
            if (root == null || !root.isObject() || !root.path("offsets").isObject()) {
                throw new IOException("expected a JSON object with an 'offsets' object");
            }
            int format = root.path("format").asInt(-1);
            if (format != FORMAT) {
                throw new IOException("unsupported format " + root.path("format") + ", expected " + FORMAT);
            }
            Iterator<Map.Entry<String, JsonNode>> it = root.path("offsets").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                positions.put(e.getKey(), EtlJson.mapper().treeToValue(e.getValue(), Position.class));
            }
        } catch (IOException | RuntimeException e) {
            throw new EtlException(ErrorCode.STATE_CORRUPT, "offset file " + file + " is unreadable (" + e.getMessage()
                    + "). Refusing to start: without it capture would restart from 'now' and lose changes. "
                    + "Restore the file from a backup, or delete it to re-snapshot every source.", e);
        }
    }

    @Override
    public synchronized Optional<Position> load(String sourceId) {
        return Optional.ofNullable(positions.get(sourceId));
    }

    @Override
    public synchronized Map<String, Position> loadAll() {
        return new TreeMap<>(positions);
    }

    @Override
    public synchronized void commit(String sourceId, Position position) {
        Position previous = positions.put(sourceId, position);
        try {
            persist();
        } catch (IOException e) {
            if (previous == null) {
                positions.remove(sourceId);
            } else {
                positions.put(sourceId, previous);
            }
            throw new RetriableEtlException(ErrorCode.STATE_CORRUPT, "could not write offset file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void reset(String sourceId) {
        if (positions.remove(sourceId) != null) {
            try {
                persist();
            } catch (IOException e) {
                throw new EtlException(ErrorCode.STATE_CORRUPT, "could not write offset file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private void persist() throws IOException {
        ObjectNode root = EtlJson.mapper().createObjectNode();
        root.put("format", FORMAT);
        root.put("written_at", Instant.now().toString());
        ObjectNode offsets = root.putObject("offsets");
        positions.forEach((k, v) -> offsets.set(k, EtlJson.mapper().valueToTree(v)));
        AtomicFiles.write(file, EtlJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }
}
