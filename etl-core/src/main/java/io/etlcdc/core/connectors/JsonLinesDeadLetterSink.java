package io.etlcdc.core.connectors;

import com.fasterxml.jackson.databind.ObjectWriter;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.DeadLetter;
import io.etlcdc.core.spi.DeadLetterSink;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Dead letters appended as JSON lines to a file (default {@code <data dir>/dead-letters.jsonl}) and
 * fsynced per batch; the most recent ones are also kept in memory for listing.
 */
public final class JsonLinesDeadLetterSink implements DeadLetterSink {
    private static final ObjectWriter WRITER = EtlJson.mapper().writerFor(DeadLetter.class);

    private final Path file;
    private final MemoryDeadLetterSink recent = new MemoryDeadLetterSink(1_000);
    private FileChannel channel;

    public JsonLinesDeadLetterSink(Path file) {
        this.file = file.toAbsolutePath();
        loadRecent();
    }

    private void loadRecent() {
        if (!Files.exists(file)) {
            return;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    try {
                        recent.write(List.of(EtlJson.mapper().readValue(line, DeadLetter.class)));
                    } catch (IOException | RuntimeException torn) {
                        // a line torn by a crash: it is still in the file for a human to read
                    }
                }
            }
        } catch (IOException e) {
            // listing is a convenience; the file itself stays the record
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void write(List<DeadLetter> deadLetters) {
        try {
            if (channel == null) {
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            StringBuilder sb = new StringBuilder();
            for (DeadLetter d : deadLetters) {
                sb.append(WRITER.writeValueAsString(d)).append('\n');
            }
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
            recent.write(deadLetters);
        } catch (IOException e) {
            channel = null;
            throw new RetriableEtlException(ErrorCode.SINK_FAILED, "could not write dead letters to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<DeadLetter> recent(int limit) {
        return recent.recent(limit);
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
