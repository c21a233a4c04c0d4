package io.etlcdc.server.e2e;

import io.etlcdc.server.EtlServer;
import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import io.etlcdc.server.testing.Api;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A DDL on a captured table, end to end: under {@code evolve} the new version is registered and the
 * jdbc sink adds the column; under {@code fail} the source stops with a status naming the change.
 */
class SchemaEvolutionIT {
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10").setServerConfig("max_wal_senders", "10").start();
        sql("postgres", "CREATE TABLE items (id INT PRIMARY KEY, name TEXT)");
        sql("postgres", "CREATE TABLE things (id INT PRIMARY KEY, name TEXT)");
        sql("postgres", "CREATE DATABASE warehouse");
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    static void sql(String db, String statement) throws Exception {
        try (Connection c = postgres.getDatabase("postgres", db).getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    static Object warehouseValue(String query) throws Exception {
        try (Connection c = postgres.getDatabase("postgres", "warehouse").getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    @Test
    void evolveFollowsTheDdlToTheSinkAndFailStopsTheSource() throws Exception {
        ServerSettings settings = new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "INFO", 1000, Optional.empty(), false, dir.resolve("plugins"));
        try (EtlServer server = new EtlServer(settings, ConfigFiles.Loaded.empty()).start()) {
            Api api = new Api(server.port(), null);
            String cs = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
            assertThat(api.post("/api/v1/sinks/connect", "{\"id\":\"wh\",\"type\":\"jdbc\",\"connection_string\":\"postgresql://postgres:postgres@localhost:"
                    + postgres.getPort() + "/warehouse\",\"config\":{\"auto_create\":true}}").status()).isEqualTo(201);
            assertThat(api.post("/api/v1/sources/connect", "{\"id\":\"evolving\",\"type\":\"postgresql\",\"connection_string\":\"" + cs
                    + "\",\"config\":{\"tables\":[\"items\"],\"schema_change_policy\":\"evolve\",\"poll_interval\":0.1}}").status()).isEqualTo(201);
            assertThat(api.post("/api/v1/sources/connect", "{\"id\":\"strict\",\"type\":\"postgresql\",\"connection_string\":\"" + cs
                    + "\",\"config\":{\"tables\":[\"things\"],\"schema_change_policy\":\"fail\",\"poll_interval\":0.1}}").status()).isEqualTo(201);
            api.post("/api/v1/sources/evolving/start", "[]");
            api.post("/api/v1/sources/strict/start", "[]");
            sql("postgres", "INSERT INTO items VALUES (1, 'one')");
            sql("postgres", "INSERT INTO things VALUES (1, 'one')");
            await().atMost(90, TimeUnit.SECONDS).ignoreExceptions().until(() -> "one".equals(warehouseValue("SELECT name FROM items WHERE id = 1"))
                    && "one".equals(warehouseValue("SELECT name FROM things WHERE id = 1")));

            sql("postgres", "ALTER TABLE items ADD COLUMN price NUMERIC(10,2)");
            sql("postgres", "INSERT INTO items VALUES (2, 'two', 9.99)");
            sql("postgres", "ALTER TABLE things ADD COLUMN price NUMERIC(10,2)");
            sql("postgres", "INSERT INTO things VALUES (2, 'two', 9.99)");

            await().atMost(90, TimeUnit.SECONDS).ignoreExceptions().until(() ->
                    new java.math.BigDecimal("9.99").compareTo((java.math.BigDecimal) warehouseValue("SELECT price FROM items WHERE id = 2")) == 0);
            assertThat(api.get("/api/v1/schema/subjects/evolving_items/versions").json()).extracting(n -> n.asInt()).containsExactly(1, 2);
            assertThat(api.get("/api/v1/schema/subjects/evolving_items/versions/latest").body()).contains("price");

            await().atMost(90, TimeUnit.SECONDS).until(() -> "FAILED".equals(api.get("/api/v1/sources/strict").json().path("state").asText()));
            assertThat(api.get("/api/v1/sources/strict").json().path("error").asText()).contains("strict_things");
            assertThat(warehouseValue("SELECT count(*) FROM things WHERE id = 2")).isEqualTo(0L);
            assertThat(api.get("/api/v1/sources/evolving").json().path("state").asText()).isEqualTo("RUNNING");
        }
    }
}
