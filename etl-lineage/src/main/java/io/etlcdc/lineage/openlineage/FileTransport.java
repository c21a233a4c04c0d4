package io.etlcdc.lineage.openlineage;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Appends each event as one line of JSON to a file (JSON lines), creating the file and its folder
 * when missing; a consumer can tail it or load it into Marquez. Thread-safe (appends are serialized).
 */
public final class FileTransport implements OpenLineageTransport {
    private final Path path;

    public FileTransport(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void emit(String eventJson) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(path, eventJson + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new EtlException(ErrorCode.SINK_FAILED, "could not append the OpenLineage event to " + path + ": " + e.getMessage(),
                    new UncheckedIOException(e));
        }
    }
}
