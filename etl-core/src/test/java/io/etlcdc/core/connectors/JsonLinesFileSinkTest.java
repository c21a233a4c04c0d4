package io.etlcdc.core.connectors;

import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.testing.SinkContractTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.etlcdc.core.testing.Events.inserts;
import static org.assertj.core.api.Assertions.assertThat;

class JsonLinesFileSinkTest extends SinkContractTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("out/events.jsonl");
    }

    @Override
    protected Sink newSink() {
        return new JsonLinesFileSink(file());
    }

    /** Replays the file's change events into a table, as a consumer of the file would. */
    @Override
    protected Map<Object, Map<String, Object>> rows() throws Exception {
        Map<Object, Map<String, Object>> rows = new LinkedHashMap<>();
        for (Map<String, Object> line : lines(file())) {
            @SuppressWarnings("unchecked")
            Map<String, Object> key = (Map<String, Object>) line.get("key");
            Object id = ((Number) key.get("id")).longValue();
            switch ((String) line.get("op")) {
                case "DELETE" -> rows.remove(id);
                default -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> after = new LinkedHashMap<>((Map<String, Object>) line.get("after"));
                    after.put("id", ((Number) after.get("id")).longValue());
                    rows.put(id, after);
                }
            }
        }
        return rows;
    }

    private static List<Map<String, Object>> lines(Path f) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(f)) {
            return out;
        }
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            out.add(EtlJson.mapper().readValue(line, new TypeReference<Map<String, Object>>() { }));
        }
        return out;
    }

    @Test
    void writesOneJsonObjectPerLineAndNoPositionTwice() throws Exception {
        try (JsonLinesFileSink sink = new JsonLinesFileSink(file())) {
            sink.open(context("archive"));
            sink.write(inserts("pg", 1, 3));
            sink.write(inserts("pg", 2, 5));
        }
        List<Map<String, Object>> lines = lines(file());
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).containsEntry("source_id", "pg").containsEntry("collection", "public.users").containsEntry("op", "INSERT");
    }

    @Test
    void aTornLastLineFromACrashIsCutAndTheEventWrittenAgain() throws Exception {
        try (JsonLinesFileSink sink = new JsonLinesFileSink(file())) {
            sink.open(context("archive"));
            sink.write(inserts("pg", 1, 2));
        }
        Files.writeString(file(), "{\"source_id\":\"pg\",\"collection\":\"public.us", StandardOpenOption.APPEND);
        try (JsonLinesFileSink sink = new JsonLinesFileSink(file())) {
            sink.open(context("archive"));
            sink.write(inserts("pg", 1, 3));
        }
        assertThat(lines(file())).extracting(l -> l.get("position").toString())
                .containsExactly("{sort_key=[1]}", "{sort_key=[2]}", "{sort_key=[3]}");
    }

    @Test
    void rotatesBySizeAndStillSkipsReplaysAfterARotation() throws Exception {
        try (JsonLinesFileSink sink = new JsonLinesFileSink(file(), 500, true)) {
            sink.open(context("archive"));
            for (long n = 1; n <= 20; n += 2) {
                sink.write(inserts("pg", n, n + 1));
            }
        }
        try (JsonLinesFileSink sink = new JsonLinesFileSink(file(), 500, true)) {
            sink.open(context("archive"));
            sink.write(inserts("pg", 19, 21));
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(file().getParent())) {
            files = s.sorted().toList();
        }
        assertThat(files.size()).isGreaterThan(3);
        long total = 0;
        List<String> positions = new ArrayList<>();
        for (Path f : files) {
            for (Map<String, Object> line : lines(f)) {
                positions.add(line.get("position").toString());
                total++;
            }
        }
        assertThat(total).isEqualTo(21);
        assertThat(positions).doesNotHaveDuplicates();
    }

    @Test
    void idempotenceIsPerSource() throws Exception {
        try (JsonLinesFileSink sink = new JsonLinesFileSink(file())) {
            sink.open(context("archive"));
            List<ChangeEvent> batch = new ArrayList<>(inserts("a", 1, 3));
            batch.addAll(inserts("b", 1, 3));
            sink.write(batch);
        }
        assertThat(lines(file())).hasSize(6);
    }
}
