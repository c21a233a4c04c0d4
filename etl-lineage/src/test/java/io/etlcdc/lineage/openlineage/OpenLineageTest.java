package io.etlcdc.lineage.openlineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.lineage.LineageGraph;
import io.etlcdc.lineage.SampleGraphs;
import io.etlcdc.lineage.LineageService;
import io.etlcdc.lineage.TestRules;
import io.etlcdc.lineage.store.InMemoryLineageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.etlcdc.core.testing.Events.inserts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class OpenLineageTest {
    @TempDir
    Path dir;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    private static List<JsonNode> readEvents(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(EtlJson.mapper().readTree(line));
        }
        return out;
    }

    private static JsonNode dataset(JsonNode event, String side, String name) {
        for (JsonNode d : event.path(side)) {
            if (d.path("name").asText().equals(name)) {
                return d;
            }
        }
        throw new AssertionError("no " + side + " dataset " + name + " in " + event);
    }

    @Test
    void aPipelineRunEmitsStartAndCompleteThatValidateAgainstTheSpec() throws Exception {
        Path file = dir.resolve("ol").resolve("events.jsonl");
        LineageService lineage = LineageService.over(new InMemoryLineageStore());
        OpenLineageEmitter emitter = OpenLineageEmitter.fromConfig(
                Configuration.of(Map.of("transport", "file", "path", file.toString(), "namespace", "prod")), dir, Clock.systemUTC());
        OpenLineageRunListener listener = new OpenLineageRunListener(emitter, "main", lineage::graph);
        MemorySource source = new MemorySource();
        MemorySink warehouse = new MemorySink();
        Pipeline pipeline = Pipeline.builder().name("main").source("postgres_main", source)
                .transform(TestRules.map("mask_email", List.of("email"), "masked_email", row -> "***"))
                .transform(TestRules.filter("active_only", List.of("name"), row -> true))
                .sink("warehouse", warehouse).sink("archive", new MemorySink(), AssetKind.FILE)
                .lineageStore(lineage).listener(listener).stopTimeout(Duration.ofSeconds(30)).build();
        pipeline.start();
        try {
            source.push(inserts("postgres_main", 1, 10));
            await().atMost(60, TimeUnit.SECONDS).until(() -> lineage.graph().contains("archive_users") && warehouse.size() == 10);
        } finally {
            pipeline.stop();
        }
        emitter.close();

        List<JsonNode> events = readEvents(file);
        assertThat(events).extracting(e -> e.path("eventType").asText()).containsExactly("START", "COMPLETE");
        for (JsonNode e : events) {
            assertThat(OpenLineageSpec.violations(e)).as("violations of %s", e).isEmpty();
        }
        assertThat(events.get(0).path("run").path("runId").asText()).isEqualTo(events.get(1).path("run").path("runId").asText())
                .isEqualTo(listener.runId().toString());
        JsonNode complete = events.get(1);
        assertThat(complete.path("job").path("name").asText()).isEqualTo("main");
        assertThat(complete.path("job").path("namespace").asText()).isEqualTo("prod");
        assertThat(complete.path("inputs")).extracting(d -> d.path("name").asText()).containsExactly("postgres_main_users");
        assertThat(complete.path("outputs")).extracting(d -> d.path("name").asText())
                .containsExactlyInAnyOrder("warehouse_users", "archive_users");
        JsonNode masked = dataset(complete, "outputs", "warehouse_users").path("facets").path("columnLineage").path("fields")
                .path("masked_email").path("inputFields");
        assertThat(masked).hasSize(1);
        assertThat(masked.get(0).path("namespace").asText()).isEqualTo("prod");
        assertThat(masked.get(0).path("name").asText()).isEqualTo("postgres_main_users");
        assertThat(masked.get(0).path("field").asText()).isEqualTo("email");
        assertThat(masked.get(0).path("transformations").get(0).path("subtype").asText()).isEqualTo("TRANSFORMATION");
        assertThat(masked.get(0).path("transformations").get(0).path("description").asText()).contains("mask_email");
        JsonNode id = dataset(complete, "outputs", "archive_users").path("facets").path("columnLineage").path("fields").path("id");
        assertThat(id.path("inputFields").get(0).path("transformations").get(0).path("subtype").asText()).isEqualTo("IDENTITY");
        assertThat(dataset(complete, "inputs", "postgres_main_users").path("facets").path("schema").path("fields"))
                .extracting(f -> f.path("name").asText()).containsExactly("id", "name", "email");
    }

    @Test
    void aFailedRunEmitsFailWithTheReasonAndNoSecret() throws Exception {
        Path file = dir.resolve("events.jsonl");
        LineageService lineage = LineageService.over(new InMemoryLineageStore());
        OpenLineageEmitter emitter = new OpenLineageEmitter(new FileTransport(file), "etl-cdc", "urn:etl-cdc-pipeline:test", CLOCK);
        Sink broken = batch -> {
            throw new IllegalStateException("cannot write to postgresql://loader:Sup3rSecret@db.internal/wh");
        };
        MemorySource source = new MemorySource();
        Pipeline pipeline = Pipeline.builder().name("main").source("postgres_main", source).sink("warehouse", broken)
                .lineageStore(lineage).listener(new OpenLineageRunListener(emitter, "main", lineage::graph))
                .stopTimeout(Duration.ofSeconds(30)).build();
        pipeline.start();
        source.push(inserts("postgres_main", 1, 3));
        await().atMost(60, TimeUnit.SECONDS).until(() -> pipeline.state() == PipelineState.FAILED);
        pipeline.stop();

        List<JsonNode> events = readEvents(file);
        assertThat(events).extracting(e -> e.path("eventType").asText()).containsExactly("START", "FAIL");
        JsonNode fail = events.get(1);
        assertThat(OpenLineageSpec.violations(fail)).isEmpty();
        String message = fail.path("run").path("facets").path("errorMessage").path("message").asText();
        assertThat(message).contains("cannot write to postgresql://loader:****@db.internal/wh").doesNotContain("Sup3rSecret");
        assertThat(fail.path("eventTime").asText()).isEqualTo("2026-03-01T12:00:00Z");
    }

    @Test
    void theValidatorRejectsWhatTheSpecForbids() {
        OpenLineageEmitter emitter = new OpenLineageEmitter(null, "etl-cdc", "urn:etl-cdc-pipeline:test", CLOCK);
        RunEvent event = emitter.build("COMPLETE", UUID.randomUUID(), "main", SampleGraphs.specGraph(), null);
        JsonNode valid = EtlJson.mapper().valueToTree(event);
        assertThat(OpenLineageSpec.violations(valid)).isEmpty();

        ObjectNode noRunId = valid.deepCopy();
        ((ObjectNode) noRunId.path("run")).put("runId", "not-a-uuid");
        assertThat(OpenLineageSpec.violations(noRunId)).isNotEmpty();

        ObjectNode badType = valid.deepCopy();
        badType.put("eventType", "FINISHED");
        assertThat(OpenLineageSpec.violations(badType)).isNotEmpty();

        ObjectNode facetWithoutProducer = valid.deepCopy();
        ((ObjectNode) facetWithoutProducer.path("outputs").get(0).path("facets").path("schema")).remove("_producer");
        assertThat(OpenLineageSpec.violations(facetWithoutProducer)).isNotEmpty();

        ObjectNode lineageWithoutField = valid.deepCopy();
        JsonNode fields = null;
        for (JsonNode output : lineageWithoutField.path("outputs")) {
            if (output.path("facets").has("columnLineage")) {
                fields = output.path("facets").path("columnLineage").path("fields");
                break;
            }
        }
        assertThat(fields).isNotNull();
        ((ObjectNode) fields.elements().next().path("inputFields").get(0)).remove("field");
        assertThat(OpenLineageSpec.violations(lineageWithoutField)).isNotEmpty();
    }

    @Test
    void columnLineageOfAGraphWithRulesBetweenTablesTracesBackToSourceColumns() {
        OpenLineageEmitter emitter = new OpenLineageEmitter(null, "ns", "urn:etl-cdc-pipeline:test", CLOCK);
        LineageGraph graph = SampleGraphs.specGraph();
        JsonNode event = EtlJson.mapper().valueToTree(emitter.build("COMPLETE", UUID.randomUUID(), "main", graph, null));
        assertThat(OpenLineageSpec.violations(event)).isEmpty();
        JsonNode count = dataset(event, "outputs", "report_daily").path("facets").path("columnLineage").path("fields").path("user_count");
        assertThat(count.path("inputFields")).extracting(f -> f.path("name").asText() + "." + f.path("field").asText())
                .containsExactly("pg_users.id");
        assertThat(event.path("inputs")).extracting(d -> d.path("name").asText()).containsExactlyInAnyOrder("pg_users", "pg_orders");
        assertThat(event.path("outputs")).extracting(d -> d.path("name").asText())
                .containsExactlyInAnyOrder("wh_users", "wh_orders", "archive_users", "report_daily");
    }

    @Test
    void theHttpTransportPostsEachEventWithTheBearerToken() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> auth = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/lineage", exchange -> {
            auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            try (OpenLineageEmitter emitter = OpenLineageEmitter.fromConfig(
                    Configuration.of(Map.of("transport", "http", "url", url, "api_key", "tok-123")), dir, CLOCK)) {
                assertThat(emitter.enabled()).isTrue();
                UUID run = UUID.randomUUID();
                emitter.start(run, "main", SampleGraphs.specGraph());
                emitter.complete(run, "main", SampleGraphs.specGraph());
                await().atMost(30, TimeUnit.SECONDS).until(() -> bodies.size() == 2);
            }
        } finally {
            server.stop(0);
        }
        assertThat(auth).containsOnly("Bearer tok-123");
        for (String body : bodies) {
            assertThat(OpenLineageSpec.violations(EtlJson.mapper().readTree(body))).isEmpty();
        }
        assertThat(bodies).extracting(b -> EtlJson.mapper().readTree(b).path("eventType").asText()).containsExactlyInAnyOrder("START", "COMPLETE");
    }

    @Test
    void badConfigurationIsReportedKeyByKey() {
        assertThatThrownBy(() -> OpenLineageEmitter.fromConfig(Configuration.of(Map.of("transport", "kafka", "colour", "red")), dir, CLOCK))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'transport' = 'kafka'").hasMessageContaining("none, file, http")
                .hasMessageContaining("'colour'");
        assertThatThrownBy(() -> OpenLineageEmitter.fromConfig(Configuration.of(Map.of("transport", "http")), dir, CLOCK))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'url'").hasMessageContaining("required when transport is http");
        assertThatThrownBy(() -> OpenLineageEmitter.fromConfig(
                Configuration.of(Map.of("transport", "http", "url", "ftp://u:hunter22@x")), dir, CLOCK))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining("hunter22");
        assertThat(OpenLineageEmitter.fromConfig(Configuration.empty(), dir, CLOCK).enabled()).isFalse();
    }

    @Test
    void theDefaultFileIsUnderTheDataDirectory() throws Exception {
        try (OpenLineageEmitter emitter = OpenLineageEmitter.fromConfig(Configuration.of(Map.of("transport", "file")), dir, CLOCK)) {
            emitter.start(UUID.randomUUID(), "main", new LineageGraph());
        }
        Path file = dir.resolve("openlineage").resolve("events.jsonl");
        assertThat(readEvents(file)).singleElement().satisfies(e -> assertThat(OpenLineageSpec.violations(e)).isEmpty());
    }
}
