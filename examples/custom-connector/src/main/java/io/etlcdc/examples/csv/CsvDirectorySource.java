package io.etlcdc.examples.csv;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceContext;
import io.etlcdc.core.spi.SourceHealth;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Emits every row of every {@code *.csv} file in a directory as an INSERT into the collection named
 * after the file ({@code users.csv} → {@code csv.users}). The first line holds the column names; the
 * first column is the key. Files are read in name order; the position is (file name, line number),
 * so a restart resumes after the last committed row and new files are picked up while running.
 */
public final class CsvDirectorySource implements Source {
    private final String sourceId;
    private final Path directory;
    private final long pollMillis;
    private volatile boolean stopped;
    private volatile Instant lastEventAt;

    public CsvDirectorySource(String sourceId, Path directory, long pollMillis) {
        this.sourceId = sourceId;
        this.directory = directory;
        this.pollMillis = pollMillis;
    }

    @Override
    public void run(SourceContext context) throws Exception {
        Position after = context.committedPosition().orElse(null);
        while (!stopped && context.isRunning()) {
            for (Path file : csvFiles()) {
                List<ChangeEvent> batch = read(file, after);
                if (!batch.isEmpty()) {
                    lastEventAt = Instant.now();
                    context.emit(batch);
                    after = batch.get(batch.size() - 1).position();
                }
            }
            Thread.sleep(pollMillis);
        }
    }

    private List<Path> csvFiles() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
        }
    }

    private List<ChangeEvent> read(Path file, Position after) throws IOException {
        String name = file.getFileName().toString();
        String table = name.substring(0, name.length() - ".csv".length());
        List<ChangeEvent> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                return out;
            }
            String[] columns = header.split(",", -1);
            String line;
            long lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                Position p = Position.of(name, lineNo);
                if (line.isBlank() || !p.isAfter(after)) {
                    continue;
                }
                String[] values = line.split(",", -1);
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < columns.length; i++) {
                    row.put(columns[i].trim(), i < values.length ? values[i].trim() : null);
                }
                Map<String, Object> key = new LinkedHashMap<>();
                key.put(columns[0].trim(), row.get(columns[0].trim()));
                out.add(ChangeEvent.insert(sourceId, "csv." + table, key, row, p));
            }
        }
        return out;
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public SourceHealth health() {
        return Files.isDirectory(directory)
                ? SourceHealth.up(lastEventAt, 0)
                : SourceHealth.down("directory " + directory + " does not exist");
    }
}
