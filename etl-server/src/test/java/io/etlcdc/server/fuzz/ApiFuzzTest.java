package io.etlcdc.server.fuzz;

import io.etlcdc.server.EtlServer;
import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import io.etlcdc.server.testing.Api;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of every request body the API accepts: random JSON values, broken JSON and
 * mutations of valid bodies. Whatever arrives, the answer is a 2xx or a 4xx with a JSON error naming
 * the problem, never a 5xx, and the server stays healthy.
 */
class ApiFuzzTest {
    static final List<String> ENDPOINTS = List.of(
            "/api/v1/sources/connect", "/api/v1/sinks/connect", "/api/v1/sources/fuzz/start", "/api/v1/sources/fuzz/snapshot",
            "/api/v1/sources/fuzz/stop", "/api/v1/pipeline/start", "/api/v1/pipeline/stop",
            "/api/v1/transformations", "/api/v1/transformations/preview", "/api/v1/quality/add-rule", "/api/v1/quality/check",
            "/api/v1/schema/register", "/api/v1/schema/check-compatibility", "/api/v1/dead-letters/replay");
    static final AtomicInteger TRIED = new AtomicInteger();
    static EtlServer server;
    static Api api;
    static Path dir;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("etl-fuzz");
        ServerSettings s = new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "WARN", 1000, Optional.empty(), false, dir.resolve("plugins"));
        server = new EtlServer(s, ConfigFiles.Loaded.empty()).start();
        api = new Api(server.port(), null);
        api.post("/api/v1/sources/connect", "{\"id\":\"fuzz\",\"type\":\"test-counter\",\"connection_string\":\"counter://a:b@h/db\"}");
    }

    @AfterContainer
    static void stop() {
        System.out.println("API fuzzing: " + TRIED.get() + " request bodies tried, no 5xx");
        server.close();
    }

    private static void check(String endpoint, String body) {
        TRIED.incrementAndGet();
        Api.Response r = api.post(endpoint, body);
        assertThat(r.status()).as("%s <- %s : %s", endpoint, body, r.body()).isLessThan(500);
        if (r.status() >= 400) {
            assertThat(r.json()).as("error body is JSON: %s", r.body()).isNotNull();
            assertThat(r.json().path("error").asText()).isNotBlank();
        }
    }

    @Property(tries = 250)
    void randomTextNeverBreaksTheServer(@ForAll("endpoints") String endpoint, @ForAll("texts") String body) {
        check(endpoint, body);
    }

    @Property(tries = 500)
    void randomJsonNeverBreaksTheServer(@ForAll("endpoints") String endpoint, @ForAll("json") String body) {
        check(endpoint, body);
    }

    @Property(tries = 200)
    void mutatedValidBodiesGetA4xxNamingTheProblem(@ForAll("connectBodies") String body) {
        check("/api/v1/sources/connect", body);
        check("/api/v1/sinks/connect", body.replace("test-counter", "file"));
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    @Provide
    Arbitrary<String> endpoints() {
        return Arbitraries.of(ENDPOINTS);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("{}[]\":,0123456789abcnulltruefalse\\ ").ofMaxLength(80));
    }

    @Provide
    Arbitrary<String> json() {
        return jsonValue(3);
    }

    private Arbitrary<String> jsonValue(int depth) {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(ApiFuzzTest::quote),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(d -> Double.isFinite(d) ? String.valueOf(d) : "0"),
                Arbitraries.of("true", "false", "null", "1e400", "-0", "\"\""));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> arrays = jsonValue(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("id", "type", "connection_string", "config", "tables", "poll_interval",
                "path", "count", "rule_id", "name", "rule_type", "source_fields", "target_field", "expression", "parameters", "rules",
                "rule_ids", "records", "target", "field", "check", "action", "subject", "schema", "schema_type", "ids", "limit", "stage"),
                Arbitraries.strings().ofMaxLength(10));
        Arbitrary<String> objects = net.jqwik.api.Combinators.combine(keys, jsonValue(depth - 1)).as((k, v) -> quote(k) + ":" + v)
                .list().ofMaxSize(5).map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.oneOf(scalars, arrays, objects);
    }

    @Provide
    Arbitrary<String> connectBodies() {
        Arbitrary<String> id = Arbitraries.oneOf(Arbitraries.of("ok_id", "", " ", "a/b", "x".repeat(300), "ünï", "null"),
                Arbitraries.strings().ofMaxLength(20));
        Arbitrary<String> type = Arbitraries.of("test-counter", "postgresql", "mysql", "", "TEST-COUNTER", "nope");
        Arbitrary<String> cs = Arbitraries.of("counter://a:b@h/db", "counter://h", "://", "postgresql://u:p@:99999/db",
                "not a url", "", "counter://a:b@down/db");
        Arbitrary<String> config = Arbitraries.of("{}", "{\"count\":\"x\"}", "{\"count\":-1}", "{\"tables\":5}", "{\"tables\":[null]}",
                "{\"poll_interval\":\"soon\"}", "[]", "\"x\"", "null", "{\"unknown\":1}", "{\"count\":1e10}");
        return net.jqwik.api.Combinators.combine(id, type, cs, config).as((i, t, c, cfg) ->
                "{\"id\":" + quote(i) + ",\"type\":" + quote(t) + ",\"connection_string\":" + quote(c) + ",\"config\":" + cfg + "}");
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
