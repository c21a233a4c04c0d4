package io.etlcdc.examples.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the packaged application ({@code target/embedded-app.jar}, as the README does) against an
 * embedded PostgreSQL with {@code wal_level=logical}: existing rows arrive as snapshot reads, a new row
 * is streamed, every line carries the masked email; after a stop and a restart the application resumes
 * and the file holds each change once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedAppIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmbeddedPostgres pg;
    private String connectionString;

    @BeforeAll
    void startDatabase() throws Exception {
        pg = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .start();
        connectionString = "postgresql://postgres:secret@localhost:" + pg.getPort() + "/postgres";
        sql("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text)",
                "INSERT INTO users VALUES (1, 'john.doe@example.com', 'John'), (2, 'ann@example.org', 'Ann')");
    }

    @AfterAll
    void stopDatabase() throws IOException {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void writesTheMaskedRowsToTheFileAndResumesAfterARestart(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out/users.jsonl");
        Path data = dir.resolve("data");

        Process app = start(out, data, dir.resolve("first-run.log"));
        try {
            await().atMost(60, TimeUnit.SECONDS).until(() -> lines(out).size() == 2);
            sql("INSERT INTO users VALUES (3, 'bo@x.io', 'Bo')");
            await().atMost(60, TimeUnit.SECONDS).until(() -> lines(out).size() == 3);
        } finally {
            stop(app);
        }

        List<JsonNode> first = lines(out);
        assertThat(first).extracting(n -> n.at("/after/id").asLong()).containsExactly(1L, 2L, 3L);
        assertThat(first).extracting(n -> n.at("/after/masked_email").asText())
                .containsExactly("joh***@example.com", "ann***@example.org", "bo***@x.io");
        assertThat(first).extracting(n -> n.path("snapshot").asBoolean()).containsExactly(true, true, false);
        assertThat(first).allSatisfy(n -> {
            assertThat(n.path("op").asText()).isEqualTo("INSERT");
            assertThat(n.path("collection").asText()).isEqualTo("public.users");
        });

        // changes made while the application is down are picked up when it comes back, and nothing twice
        sql("UPDATE users SET email = 'ann.smith@example.org' WHERE id = 2");
        Process again = start(out, data, dir.resolve("second-run.log"));
        try {
            await().atMost(60, TimeUnit.SECONDS).until(() -> lines(out).size() >= 4);
            sql("INSERT INTO users VALUES (4, 'dee@example.com', 'Dee')");
            await().atMost(60, TimeUnit.SECONDS).until(() -> lines(out).size() >= 5);
        } finally {
            stop(again);
        }
        List<JsonNode> all = lines(out);
        assertThat(all).hasSize(5);
        assertThat(all.get(3).path("op").asText()).isEqualTo("UPDATE");
        assertThat(all.get(3).at("/after/masked_email").asText()).isEqualTo("ann***@example.org");
        assertThat(all.get(4).at("/after/masked_email").asText()).isEqualTo("dee***@example.com");
    }

    private Process start(Path out, Path data, Path log) throws IOException {
        Path jar = Path.of("target/embedded-app.jar");
        assertThat(jar).as("the packaged application (mvn package runs before the integration tests)").exists();
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", jar.toString(), connectionString, "users", out.toString(), data.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** SIGTERM, as Ctrl-C or a service manager would: the application stops its pipeline first. */
    private static void stop(Process app) throws InterruptedException {
        app.destroy();
        if (!app.waitFor(60, TimeUnit.SECONDS)) {
            app.destroyForcibly();
        }
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }
}
