package io.etlcdc.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.server.testing.Api;
import io.etlcdc.server.testing.Api.Response;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC.md's Usage Examples, word for word, against the built {@code etl-server.jar} over HTTP: connect a
 * PostgreSQL source, start CDC for users and orders, add the mask_email rule, insert rows, see masked
 * emails arrive, query downstream lineage and impact of {@code postgres_main_users}.
 */
class SpecUsageExamplesIT {
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10").setServerConfig("max_wal_senders", "10").start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id SERIAL PRIMARY KEY, email TEXT, phone TEXT, status TEXT)");
            s.execute("CREATE TABLE orders (id SERIAL PRIMARY KEY, user_id INT, price NUMERIC(10,2), tax NUMERIC(10,2))");
            s.execute("CREATE DATABASE warehouse");
        }
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @Test
    void theSpecsExamplesDoWhatTheyPromise() throws Exception {
        Path out = dir.resolve("out/events.jsonl");
        try (ServerProcess server = ServerProcess.start(dir, Map.of("ETL_DATA_DIR", dir.resolve("data").toString()))) {
            Api api = new Api(server.port(), null);
            assertThat(api.get("/health").status()).isEqualTo(200);
            assertThat(api.post("/api/v1/sinks/connect", "{\"id\":\"archive\",\"type\":\"file\",\"config\":{\"path\":\"" + out + "\"}}").status())
                    .isEqualTo(201);
            Response warehouse = api.post("/api/v1/sinks/connect", """
                    {"id": "warehouse", "type": "jdbc", "connection_string": "postgresql://postgres:postgres@localhost:%d/warehouse",
                     "config": {"table_prefix": "", "auto_create": true, "batch_size": 1000}}""".formatted(postgres.getPort()));
            assertThat(warehouse.status()).as(warehouse.toString()).isEqualTo(201);

            // "Connect PostgreSQL Source", with the embedded server's address
            String cs = "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres";
            Response connected = api.post("/api/v1/sources/connect", """
                    {
                      "id": "postgres_main",
                      "type": "postgresql",
                      "connection_string": "%s",
                      "config": {
                        "poll_interval": 1,
                        "tables": ["users", "orders"]
                      }
                    }""".formatted(cs));
            assertThat(connected.status()).as(connected.toString()).isEqualTo(201);
            assertThat(connected.json().path("connection_string").asText()).doesNotContain(":postgres@");

            // "Add Transformation Rule"
            Response rule = api.post("/api/v1/transformations", """
                    {
                      "rule_id": "mask_email",
                      "name": "Mask Email Addresses",
                      "rule_type": "map",
                      "source_fields": ["email"],
                      "target_field": "masked_email",
                      "expression": "{{ email.split(\\"@\\")[0][:3] }}***@{{ email.split(\\"@\\")[1] }}"
                    }""");
            assertThat(rule.status()).as(rule.toString()).isEqualTo(201);

            // "Start CDC"
            Response started = api.post("/api/v1/sources/postgres_main/start", "[\"users\", \"orders\"]");
            assertThat(started.status()).as(started.toString()).isEqualTo(200);
            await().atMost(60, TimeUnit.SECONDS).until(() ->
                    "RUNNING".equals(api.get("/api/v1/sources/postgres_main").json().path("state").asText()));

            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO users (email, phone, status) VALUES ('john.doe@example.com', '555-123-4567', 'active')");
                s.execute("INSERT INTO orders (user_id, price, tax) VALUES (1, 10.00, 1.50)");
            }
            await().atMost(90, TimeUnit.SECONDS).until(() -> Files.exists(out)
                    && Files.readAllLines(out).stream().anyMatch(l -> l.contains("\"masked_email\":\"joh***@example.com\"")));
            List<String> lines = Files.readAllLines(out);
            assertThat(lines).anyMatch(l -> l.contains("\"collection\":\"public.orders\""));
            await().atMost(60, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
                try (Connection c = postgres.getDatabase("postgres", "warehouse").getConnection(); Statement s = c.createStatement();
                     var rs = s.executeQuery("SELECT masked_email, email FROM users")) {
                    return rs.next() && "joh***@example.com".equals(rs.getString(1)) && "john.doe@example.com".equals(rs.getString(2));
                }
            });

            // "Get Data Lineage" and "Check Impact Analysis"
            // lineage is recorded after the batch is committed: wait for the hop to the warehouse to show
            await().atMost(60, TimeUnit.SECONDS).until(() -> api.get("/api/v1/lineage/asset/postgres_main_users/downstream?max_depth=3")
                    .body().contains("warehouse_users"));
            JsonNode downstream = api.get("/api/v1/lineage/asset/postgres_main_users/downstream?max_depth=3").json();
            assertThat(downstream.toString()).contains("rule:mask_email").contains("archive").contains("warehouse_users");
            Response impact = api.get("/api/v1/lineage/impact/postgres_main_users");
            assertThat(impact.status()).isEqualTo(200);
            assertThat(impact.body()).contains("rule:mask_email");
            assertThat(server.log()).doesNotContain("postgres:postgres@");
        }
    }
}
