package io.etlcdc.core.connectors;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ChangeEventSerializer;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.ComponentHealth;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkContext;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes events as JSON lines (one {@link ChangeEvent} per line), flushed and fsynced once per batch,
 * rotating to {@code <path>.1}, {@code <path>.2}, ... when the file passes {@code rotateBytes}.
 *
 * <p>Idempotent across crashes: on open it truncates a torn last line and reads the highest position
 * per source already in the file (and in the newest rotated file), and skips re-delivered events at
 * or below it, so a replay after a crash never writes a position twice. Events replayed on purpose
 * from the dead-letter sink ({@code Pipeline.replay}) are written again.
 */
public final class JsonLinesFileSink implements Sink {
    /** Default rotation size: 256 MiB. */
    public static final long DEFAULT_ROTATE_BYTES = 256L * 1024 * 1024;


    private final Path path;
    private final long rotateBytes;
    private final boolean fsync;
    private final Map<String, Position> written = new HashMap<>();
    private FileChannel channel;
    private OutputStream out;
    private JsonGenerator generator;
    private volatile String lastError;

    public JsonLinesFileSink(Path path) {
        this(path, DEFAULT_ROTATE_BYTES, true);
    }

    /**
     * @param path        the file to append to (directories are created)
     * @param rotateBytes rotate when the file is at least this big after a batch
     * @param fsync       force to disk after every batch (turn off only for benchmarks)
     */
    public JsonLinesFileSink(Path path, long rotateBytes, boolean fsync) {
        this.path = path.toAbsolutePath();
        if (rotateBytes < 1) {
            throw new IllegalArgumentException("rotate_bytes must be >= 1, got " + rotateBytes);
        }
        this.rotateBytes = rotateBytes;
        this.fsync = fsync;
    }

    public Path path() {
        return path;
    }

    @Override
    public void open(SinkContext context) throws IOException {
        Files.createDirectories(path.getParent());
        repairTornLine(path);
        newestRotated().ifPresent(this::readPositions);
        if (Files.exists(path)) {
            readPositions(path);
        }
        openChannel();
    }

    private void openChannel() throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        generator = EtlJson.mapper().getFactory().createGenerator(out);
        generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        generator.setRootValueSeparator(null);
        AtomicFiles.fsyncDirectory(path.getParent());
    }

    @Override
    public synchronized void write(List<ChangeEvent> batch) throws IOException {
        if (channel == null) {
            open(null);
        }
        try {
            // one serializer context per batch, not per event
            SerializerProvider provider = EtlJson.mapper().getSerializerProviderInstance();
            for (ChangeEvent e : batch) {
                Position high = written.get(e.sourceId());
                boolean replay = io.etlcdc.core.pipeline.Pipeline.isReplay(e);
                if (high != null && !e.position().isAfter(high) && !replay) {
                    continue;
                }
                ChangeEventSerializer.INSTANCE.serialize(e, generator, provider);
                generator.writeRaw('\n');
                if (!replay) {
                    written.put(e.sourceId(), e.position());
                }
            }
            generator.flush();
            if (fsync) {
                channel.force(false);
            }
            lastError = null;
            if (channel.size() >= rotateBytes) {
                rotate();
            }
        } catch (IOException e) {
            lastError = e.toString();
            // the file may now end in a partial line: reopen (which repairs it) before the retry
            closeQuietly();
            throw new RetriableEtlException(ErrorCode.SINK_FAILED, "writing " + path + " failed: " + e.getMessage(), e);
        }
    }

    private void rotate() throws IOException {
        closeQuietly();
        int next = rotatedIndexes().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        Files.move(path, path.resolveSibling(path.getFileName() + "." + next));
        openChannel();
    }

    private List<Integer> rotatedIndexes() throws IOException {
        String prefix = path.getFileName() + ".";
        try (Stream<Path> files = Files.list(path.getParent())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && n.substring(prefix.length()).matches("\\d+"))
                    .map(n -> Integer.parseInt(n.substring(prefix.length())))
                    .toList();
        }
    }

    private Optional<Path> newestRotated() throws IOException {
        return rotatedIndexes().stream().max(Integer::compare)
                .map(i -> path.resolveSibling(path.getFileName() + "." + i));
    }

    /** A crash in the middle of a write can leave a last line without its newline: cut it off. */
    private static void repairTornLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            long end = size;
            while (end > 0) {
                one.clear();
                ch.read(one, end - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                end--;
            }
            if (end < size) {
                ch.truncate(end);
                ch.force(true);
            }
        }
    }

    private void readPositions(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = EtlJson.mapper().readTree(line);
                String source = node.path("source_id").asText(null);
                JsonNode pos = node.get("position");
                if (source == null || pos == null) {
                    continue;
                }
                Position p = EtlJson.mapper().treeToValue(pos, Position.class);
                Position high = written.get(source);
                if (high == null || p.isAfter(high)) {
                    written.put(source, p);
                }
            }
        } catch (IOException e) {
            throw new EtlException(ErrorCode.STATE_CORRUPT, "file sink could not read " + file
                    + " to find what it already holds: " + e.getMessage(), e);
        }
    }

    @Override
    public ComponentHealth health() {
        return lastError == null ? ComponentHealth.up() : ComponentHealth.down(lastError);
    }

    @Override
    public String assetName(String sinkId, String sourceId, String collection) {
        return sinkId + ":" + path.getFileName();
    }

    private void closeQuietly() {
        try {
            if (generator != null) {
                generator.close();
            }
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // closing after a failed write; the next open repairs the file
        } finally {
            generator = null;
            out = null;
            channel = null;
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
