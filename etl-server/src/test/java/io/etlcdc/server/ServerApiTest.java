package io.etlcdc.server;

import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import io.etlcdc.server.testing.Api;
import io.etlcdc.server.testing.Api.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pipeline, source and sink endpoints over HTTP, with the test-counter source and the file sink. */
class ServerApiTest {
    private static final String PASSWORD = "Sup3rS3cretPw";

    @TempDir
    Path dir;
    private EtlServer server;

    private Api start(String token) {
        ServerSettings s = new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "INFO", 1000, Optional.ofNullable(token), false, dir.resolve("plugins"));
        server = new EtlServer(s, ConfigFiles.Loaded.empty()).start();
        return new Api(server.port(), token);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String sourceJson(String id, int count) {
        return "{\"id\":\"" + id + "\",\"type\":\"test-counter\",\"connection_string\":\"counter://etl:" + PASSWORD
                + "@localhost/db\",\"config\":{\"poll_interval\":1,\"tables\":[\"users\",\"orders\"],\"count\":" + count + "}}";
    }

    private String fileSinkJson() {
        return "{\"id\":\"archive\",\"type\":\"file\",\"config\":{\"path\":\"" + dir.resolve("out/events.jsonl") + "\"}}";
    }

    private long lines() throws Exception {
        Path f = dir.resolve("out/events.jsonl");
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    @Test
    void connectStartAndSeeChangesFlowToTheFileSink() throws Exception {
        Api api = start(null);
        Response sink = api.post("/api/v1/sinks/connect", fileSinkJson());
        assertThat(sink.status()).as(sink.toString()).isEqualTo(201);
        Response connected = api.post("/api/v1/sources/connect", sourceJson("postgres_main", 5));
        assertThat(connected.status()).as(connected.toString()).isEqualTo(201);
        assertThat(connected.json().path("connection_string").asText()).isEqualTo("counter://etl:****@localhost/db");
        assertThat(connected.body()).doesNotContain(PASSWORD);

        Response started = api.post("/api/v1/sources/postgres_main/start", "[\"users\", \"orders\"]");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        await().atMost(30, TimeUnit.SECONDS).until(() -> lines() == 10);

        Response status = api.get("/api/v1/pipeline/status");
        assertThat(status.json().path("state").asText()).isEqualTo("RUNNING");
        assertThat(status.json().path("sources").get(0).path("id").asText()).isEqualTo("postgres_main");
        await().atMost(10, TimeUnit.SECONDS).until(() ->
                api.get("/api/v1/pipeline/status").json().path("metrics").path("delivered").asLong() == 10);
        assertThat(api.get("/api/v1/sources").json().path("sources").get(0).path("state").asText()).isEqualTo("RUNNING");
        assertThat(api.get("/metrics").body()).contains("etl_events_delivered_total 10.0").contains("etl_source_lag_ms{source=\"postgres_main\"}");
        assertThat(api.get("/health").status()).isEqualTo(200);

        Response audit = api.get("/api/v1/lineage/audit?action=source.*");
        assertThat(audit.json().path("entries")).extracting(e -> e.path("action").asText()).contains("source.connect", "source.start");
        assertThat(audit.body()).doesNotContain(PASSWORD);
    }

    @Test
    void everythingCreatedSurvivesARestartAndCaptureResumes() throws Exception {
        Api api = start(null);
        api.post("/api/v1/sinks/connect", fileSinkJson());
        api.post("/api/v1/sources/connect", sourceJson("pg", 3));
        api.post("/api/v1/sources/pg/start", "[\"users\"]");
        await().atMost(30, TimeUnit.SECONDS).until(() -> lines() == 3);
        server.close();

        Api again = start(null);
        assertThat(again.get("/api/v1/sources/pg").json().path("tables").get(0).asText()).isEqualTo("users");
        assertThat(again.get("/api/v1/sinks").json().path("sinks").get(0).path("id").asText()).isEqualTo("archive");
        await().atMost(30, TimeUnit.SECONDS).until(() -> "RUNNING".equals(again.get("/api/v1/pipeline/status").json().path("state").asText()));
        Thread.sleep(500);
        assertThat(lines()).as("resumed after the committed position: nothing twice").isEqualTo(3);
    }

    @Test
    void badRequestsGetAClearErrorAndTheServerStaysHealthy() {
        Api api = start(null);
        Response malformed = api.post("/api/v1/sources/connect", "{\"id\": \"x\", ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").asText()).isEqualTo("malformed JSON");

        Response unknownType = api.post("/api/v1/sources/connect", "{\"id\":\"x\",\"type\":\"oracle\",\"connection_string\":\"oracle://a:b@h/db\"}");
        assertThat(unknownType.status()).isEqualTo(400);
        assertThat(unknownType.json().path("detail").asText()).contains("unknown source type 'oracle'").contains("test-counter");

        Response badOption = api.post("/api/v1/sources/connect",
                "{\"id\":\"x\",\"type\":\"test-counter\",\"connection_string\":\"counter://a:b@h/db\",\"config\":{\"count\":\"many\",\"colour\":1}}");
        assertThat(badOption.status()).isEqualTo(400);
        assertThat(badOption.json().path("errors")).extracting(e -> e.path("key").asText()).containsExactlyInAnyOrder("count", "colour");

        Response down = api.post("/api/v1/sources/connect", "{\"id\":\"x\",\"type\":\"test-counter\",\"connection_string\":\"counter://a:" + PASSWORD + "@down/db\"}");
        assertThat(down.status()).isEqualTo(400);
        assertThat(down.json().path("errors").get(0).path("key").asText()).isEqualTo("connection_string");
        assertThat(down.body()).contains("connection refused").doesNotContain(PASSWORD);

        assertThat(api.get("/api/v1/sources/nope").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/sources/nope/start", "[]").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/no/such/endpoint").json().path("error").asText()).isEqualTo("not found");

        api.post("/api/v1/sources/connect", sourceJson("pg", 1));
        Response notArray = api.post("/api/v1/sources/pg/start", "{\"table\": \"users\"}");
        assertThat(notArray.status()).isEqualTo(400);
        assertThat(notArray.json().path("detail").asText()).contains("JSON array of table names");
        assertThat(api.post("/api/v1/sources/connect", sourceJson("pg", 1)).status()).isEqualTo(409);

        Response tooBig = api.post("/api/v1/sources/connect", "{\"id\":\"" + "x".repeat(2_000_000) + "\"}");
        assertThat(tooBig.status()).isEqualTo(413);

        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    @Test
    void theOpenApiDescriptionIsServedAndNamesEveryPathTheServerAnswers() throws Exception {
        Api api = start(null);
        assertThat(api.get("/api/docs/index.html").body()).contains("swagger-ui");
        Response spec = api.get("/api/openapi.yaml");
        assertThat(spec.status()).isEqualTo(200);
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(spec.body());
        var paths = new java.util.ArrayList<String>();
        yaml.path("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).contains("/api/v1/sources/connect", "/api/v1/sources/{source_id}/start", "/api/v1/transformations",
                "/api/v1/transformations/preview", "/api/v1/quality/check", "/api/v1/pipeline/status", "/health", "/metrics");
        for (String path : paths) {
            String concrete = path.replaceAll("\\{[^}]+}", "x");
            yaml.path("paths").path(path).fieldNames().forEachRemaining(method -> {
                if (method.equals("get")) {
                    Response r = api.get(concrete);
                    assertThat(r.status()).as("GET %s answers (even if 404 for an unknown id, not 'no endpoint')", concrete).isNotEqualTo(405);
                    assertThat(r.body()).as(concrete).doesNotContain("no endpoint");
                }
            });
        }
    }

    @Test
    void mutatingEndpointsNeedTheTokenWhenOneIsSet() {
        Api withToken = start("t0ken-abc");
        Api anonymous = new Api(server.port(), null);
        Api wrong = new Api(server.port(), "t0ken-abd");
        Response refused = anonymous.post("/api/v1/sinks/connect", fileSinkJson());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().path("detail").asText()).contains("Authorization: Bearer");
        assertThat(wrong.post("/api/v1/pipeline/start", null).status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/sinks").status()).isEqualTo(200);
        assertThat(withToken.post("/api/v1/sinks/connect", fileSinkJson()).status()).isEqualTo(201);
        assertThat(anonymous.get("/api/v1/lineage/audit").json().path("entries").get(0).path("actor").asText()).isEqualTo("api-token");
    }
}
