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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Transformation and quality rules over HTTP: the spec's examples, preview, validation, persistence. */
class RulesApiTest {
    static final String MASK_EMAIL = """
            {
              "rule_id": "mask_email",
              "name": "Mask Email Addresses",
              "rule_type": "map",
              "source_fields": ["email"],
              "target_field": "masked_email",
              "expression": "{{ email.split(\\"@\\")[0][:3] }}***@{{ email.split(\\"@\\")[1] }}"
            }""";

    @TempDir
    Path dir;
    private EtlServer server;

    private Api start() {
        ServerSettings s = new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "INFO", 1000, Optional.empty(), false, dir.resolve("plugins"));
        server = new EtlServer(s, ConfigFiles.load(dir.resolve("config"), k -> null)).start();
        return new Api(server.port(), null);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSpecsMaskEmailRuleMasksEmailsOnTheWayToTheSink() throws Exception {
        Api api = start();
        Response added = api.post("/api/v1/transformations", MASK_EMAIL);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        Path out = dir.resolve("out/events.jsonl");
        api.post("/api/v1/sinks/connect", "{\"id\":\"archive\",\"type\":\"file\",\"config\":{\"path\":\"" + out + "\"}}");
        api.post("/api/v1/sources/connect", "{\"id\":\"postgres_main\",\"type\":\"test-counter\",\"connection_string\":\"counter://u:p@h/db\",\"config\":{\"count\":3,\"tables\":[\"users\"]}}");
        api.post("/api/v1/sources/postgres_main/start", "[\"users\"]");
        await().atMost(30, TimeUnit.SECONDS).until(() -> Files.exists(out) && Files.readAllLines(out).size() == 3);
        assertThat(Files.readAllLines(out).get(0)).contains("\"masked_email\":\"use***@example.com\"");
        await().atMost(10, TimeUnit.SECONDS).until(() ->
                api.get("/api/v1/transformations").json().path("rules").get(0).path("metrics").path("applied").asLong() == 3);
        assertThat(api.get("/metrics").body()).contains("etl_rule_applied_total{rule=\"mask_email\"} 3.0");

        Response downstream = api.get("/api/v1/lineage/asset/postgres_main_users/downstream?max_depth=3");
        assertThat(downstream.status()).as(downstream.toString()).isEqualTo(200);
        assertThat(downstream.body()).contains("rule:mask_email").contains("archive");
        Response impact = api.get("/api/v1/lineage/impact/postgres_main_users");
        assertThat(impact.status()).as(impact.toString()).isEqualTo(200);
        assertThat(impact.body()).contains("rule:mask_email");
        Response dot = api.get("/api/v1/lineage/flow?format=dot");
        assertThat(dot.body()).startsWith("digraph").contains("postgres_main_users");
        assertThat(api.get("/api/v1/lineage/flow").json().path("nodes")).isNotEmpty();
        assertThat(api.get("/api/v1/lineage/impact/no_such_asset").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/lineage/asset/postgres_main_users/downstream?max_depth=0").status()).isEqualTo(400);
    }

    @Test
    void previewRunsRulesOverSampleRecordsInOrder() {
        Api api = start();
        Response r = api.post("/api/v1/transformations/preview", """
                {"rules": [%s,
                   {"rule_id": "total", "name": "Total", "rule_type": "map", "source_fields": ["price", "tax"], "target_field": "total", "expression": "{{ price + tax }}"},
                   {"rule_id": "active", "name": "Active", "rule_type": "filter", "source_fields": ["status"], "expression": "{{ status == 'active' }}"}],
                 "records": [{"email": "john.doe@example.com", "price": 10, "tax": 2.5, "status": "active"},
                             {"email": "x@y.z", "price": 1, "tax": 1, "status": "inactive"},
                             {"email": "a@b.c", "price": "ten", "tax": 1, "status": "active"}]}""".formatted(MASK_EMAIL));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        var results = r.json().path("results");
        assertThat(results.get(0).path("output").path("masked_email").asText()).isEqualTo("joh***@example.com");
        assertThat(results.get(0).path("output").path("total").asDouble()).isEqualTo(12.5);
        assertThat(results.get(0).path("filtered").asBoolean()).isFalse();
        assertThat(results.get(1).path("filtered").asBoolean()).isTrue();
        assertThat(results.get(1).path("output").isNull()).isTrue();
        assertThat(results.get(2).path("error").asText()).contains("total");
    }

    @Test
    void invalidRulesAreRefusedWithTheReasonAndTheServerStaysHealthy() {
        Api api = start();
        Response syntax = api.post("/api/v1/transformations", """
                {"rule_id": "broken", "name": "x", "rule_type": "map", "source_fields": ["a"], "target_field": "b", "expression": "{{ a + }}"}""");
        assertThat(syntax.status()).isEqualTo(400);
        assertThat(syntax.json().path("errors").get(0).path("field").asText()).isEqualTo("expression");
        Response unknownType = api.post("/api/v1/transformations", """
                {"rule_id": "x", "name": "x", "rule_type": "pivot", "source_fields": ["a"], "expression": "{{ a }}"}""");
        assertThat(unknownType.status()).isEqualTo(400);
        assertThat(unknownType.body()).contains("pivot").contains("map");
        Response noTarget = api.post("/api/v1/transformations", """
                {"rule_id": "x", "name": "x", "rule_type": "map", "source_fields": ["a"], "expression": "{{ a }}"}""");
        assertThat(noTarget.status()).isEqualTo(400);
        assertThat(noTarget.body()).contains("target_field");
        assertThat(api.post("/api/v1/transformations", MASK_EMAIL).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/transformations", MASK_EMAIL).status()).isEqualTo(409);
        assertThat(api.delete("/api/v1/transformations/nope").status()).isEqualTo(404);
        String many = "{\"rule_ids\":[\"mask_email\"],\"records\":[" + String.join(",", java.util.Collections.nCopies(1001, "{}")) + "]}";
        assertThat(api.post("/api/v1/transformations/preview", many).status()).isEqualTo(413);
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    @Test
    void qualityRulesAndTheDryRunKeepTheSpecsShapes() {
        Api api = start();
        Response added = api.post("/api/v1/quality/add-rule", """
                {"rule_id": "email_format", "name": "Email format", "target": "postgres_main_users", "field": "email",
                 "check": "pattern", "parameters": {"regex": "^[^@]+@[^@]+\\\\.[a-z]+$"}, "severity": "error", "action": "dead_letter"}""");
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        assertThat(added.json().path("rule_id").asText()).isEqualTo("email_format");
        Response badRegex = api.post("/api/v1/quality/add-rule", """
                {"rule_id": "bad", "name": "x", "field": "email", "check": "pattern", "parameters": {"regex": "([a-z"}}""");
        assertThat(badRegex.status()).isEqualTo(400);
        assertThat(badRegex.body()).contains("regex");
        Response check = api.post("/api/v1/quality/check", """
                {"records": [{"email": "a@b.io"}, {"email": "not-an-email"}], "rule_ids": ["email_format"]}""");
        assertThat(check.status()).as(check.toString()).isEqualTo(200);
        assertThat(check.json().path("results").get(0).path("passed").asBoolean()).isTrue();
        var failure = check.json().path("results").get(1).path("failures").get(0);
        assertThat(failure.path("rule_id").asText()).isEqualTo("email_format");
        assertThat(failure.path("field").asText()).isEqualTo("email");
        assertThat(failure.path("check").asText()).isEqualTo("pattern");
        assertThat(failure.path("value").asText()).isEqualTo("not-an-email");
        assertThat(check.json().path("summary").path("checked").asInt()).isEqualTo(2);
        assertThat(check.json().path("summary").path("failed").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/quality/rules").json().path("rules")).hasSize(1);

        // the expression check evaluates Jinja2 through the transform module's engine, found by ServiceLoader
        Response expression = api.post("/api/v1/quality/add-rule", """
                {"rule_id": "positive_total", "name": "Totals are positive", "field": "total", "check": "expression",
                 "parameters": {"expression": "{{ total > 0 and total < 1000 }}"}, "severity": "warning", "action": "warn"}""");
        assertThat(expression.status()).as(expression.toString()).isEqualTo(201);
        Response checked = api.post("/api/v1/quality/check", """
                {"records": [{"total": 12.5}, {"total": -1}], "rule_ids": ["positive_total"]}""");
        assertThat(checked.json().path("results").get(0).path("passed").asBoolean()).isTrue();
        assertThat(checked.json().path("results").get(1).path("passed").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/quality/metrics").status()).isEqualTo(200);
    }

    @Test
    void deadLettersCanBeReplayedAfterTheRuleIsFixed() throws Exception {
        Api api = start();
        api.post("/api/v1/transformations", """
                {"rule_id": "broken", "name": "Broken", "rule_type": "map", "source_fields": ["id"], "target_field": "x",
                 "expression": "{{ id + 'x' }}"}""");
        Path out = dir.resolve("out/events.jsonl");
        api.post("/api/v1/sinks/connect", "{\"id\":\"archive\",\"type\":\"file\",\"config\":{\"path\":\"" + out + "\"}}");
        api.post("/api/v1/sources/connect", "{\"id\":\"pg\",\"type\":\"test-counter\",\"connection_string\":\"counter://u:p@h/db\",\"config\":{\"count\":4,\"tables\":[\"users\"]}}");
        api.post("/api/v1/sources/pg/start", "[]");
        await().atMost(30, TimeUnit.SECONDS).until(() -> api.get("/api/v1/dead-letters").json().path("count").asInt() == 4);
        var letter = api.get("/api/v1/dead-letters").json().path("dead_letters").get(0);
        assertThat(letter.path("component").asText()).isEqualTo("broken");
        assertThat(letter.path("reason").asText()).contains("broken");
        assertThat(letter.path("id").asText()).hasSize(16);
        assertThat(Files.exists(out) ? Files.readAllLines(out) : List.of()).isEmpty();

        assertThat(api.delete("/api/v1/transformations/broken").status()).isEqualTo(200);
        Response replay = api.post("/api/v1/dead-letters/replay", "{\"component\": \"broken\"}");
        assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
        assertThat(replay.json().path("replayed").asInt()).isEqualTo(4);
        assertThat(replay.json().path("delivered").asInt()).isEqualTo(4);
        assertThat(Files.readAllLines(out)).hasSize(4);
        assertThat(api.post("/api/v1/dead-letters/replay", "{\"ids\": \"x\"}").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/lineage/audit?action=dead_letters.replay").json().path("entries")).hasSize(1);
    }

    @Test
    void rulesAddedThroughTheApiSurviveARestart() {
        Api api = start();
        api.post("/api/v1/transformations", MASK_EMAIL);
        api.post("/api/v1/quality/add-rule", "{\"rule_id\": \"nn\", \"name\": \"x\", \"field\": \"email\", \"check\": \"not_null\"}");
        server.close();
        Api again = start();
        assertThat(again.get("/api/v1/transformations").json().path("rules")).extracting(r -> r.path("rule_id").asText())
                .containsExactly("mask_email");
        assertThat(again.get("/api/v1/quality/rules").json().path("rules")).extracting(r -> r.path("rule_id").asText())
                .isEqualTo(List.of("nn"));
        assertThat(again.delete("/api/v1/transformations/mask_email").status()).isEqualTo(200);
        assertThat(again.get("/api/v1/lineage/audit?action=rule.*").json().path("entries")).isNotEmpty();
    }
}
