package io.etlcdc.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import io.etlcdc.server.testing.Api;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A known password and API token go in through every door (connection strings, config, failures) and
 * must come out of none: responses, error messages, log lines, audit entries, metrics, status, the
 * dead-letter file.
 */
class SecretsNeverLeakTest {
    private static final String PASSWORD = "Pa55-W0rd-xyzzy";
    private static final String TOKEN = "tok-3f9a-secret";

    @TempDir
    Path dir;

    @Test
    void aKnownPasswordAppearsNowhere() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        List<String> seen = new ArrayList<>();
        ServerSettings s = new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "DEBUG", 1000, Optional.of(TOKEN), false, dir.resolve("plugins"));
        try (EtlServer server = new EtlServer(s, ConfigFiles.Loaded.empty()).start()) {
            Api api = new Api(server.port(), TOKEN);
            String cs = "counter://etl:" + PASSWORD + "@localhost/db?password=" + PASSWORD;
            seen.add(api.post("/api/v1/sources/connect", "{\"id\":\"pg\",\"type\":\"test-counter\",\"connection_string\":\"" + cs
                    + "\",\"config\":{\"count\":3}}").body());
            seen.add(api.post("/api/v1/sources/connect", "{\"id\":\"down\",\"type\":\"test-counter\",\"connection_string\":\"counter://etl:"
                    + PASSWORD + "@down/db\"}").body());
            seen.add(api.post("/api/v1/sources/connect", "{\"id\":\"bad\",\"type\":\"test-counter\",\"connection_string\":\"counter://etl:"
                    + PASSWORD + "@host:99999/db\"}").body());
            seen.add(api.post("/api/v1/sinks/connect", "{\"id\":\"file\",\"type\":\"file\",\"config\":{\"path\":\"" + dir.resolve("out.jsonl")
                    + "\",\"password\":\"" + PASSWORD + "\"}}").body());
            seen.add(api.post("/api/v1/sinks/connect", "{\"id\":\"wh\",\"type\":\"test-shared\",\"connection_string\":\"jdbc://u:" + PASSWORD
                    + "@h/db\",\"config\":{\"name\":\"leak\"}}").body());
            seen.add(api.post("/api/v1/sources/pg/start", "[]").body());
            await().atMost(30, TimeUnit.SECONDS).until(() -> api.get("/api/v1/pipeline/status").json().path("metrics").path("delivered").asLong() >= 3);
            for (String path : List.of("/api/v1/sources", "/api/v1/sources/pg", "/api/v1/sinks", "/api/v1/sinks/wh", "/api/v1/pipeline/status",
                    "/api/v1/lineage/audit", "/api/v1/dead-letters", "/metrics", "/health", "/api/v1/transformations", "/api/v1/quality/rules")) {
                seen.add(api.get(path).body());
            }
        } finally {
            root.detachAppender(logs);
        }
        for (ILoggingEvent e : logs.list) {
            seen.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                seen.add(e.getThrowableProxy().getMessage());
            }
        }
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                seen.add(Files.readString(f));
            }
        }
        assertThat(seen).hasSizeGreaterThan(15);
        assertThat(logs.list).isNotEmpty();
        for (String text : seen) {
            assertThat(text).doesNotContain(PASSWORD).doesNotContain(TOKEN);
        }
    }
}
