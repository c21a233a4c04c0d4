package io.etlcdc.server.fuzz;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.server.EtlServer;
import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import io.etlcdc.server.testing.Api;
import io.etlcdc.transform.RuleFiles;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of what users hand the server besides API bodies: the YAML config files
 * (connectors.yaml, cdc.yaml, transformations.yaml, quality.yaml as the server loads them), rule
 * templates (Jinja2 expressions through the preview and rules API) and Avro schemas (register and
 * check-compatibility). Whatever arrives: no 5xx, no hang (each input bounded in time), no crash; bad
 * input gets a 4xx (or, for files, a {@link ConfigException}) naming what was wrong, and the server
 * stays healthy. The number of inputs tried is printed.
 */
class ConfigRuleSchemaFuzzTest {
    static final AtomicInteger YAML_TRIED = new AtomicInteger();
    static final AtomicInteger YAML_REFUSED = new AtomicInteger();
    static final AtomicInteger TEMPLATES_TRIED = new AtomicInteger();
    static final AtomicInteger TEMPLATES_REFUSED = new AtomicInteger();
    static final AtomicInteger SCHEMAS_TRIED = new AtomicInteger();
    static final AtomicInteger SCHEMAS_REFUSED = new AtomicInteger();
    static final AtomicLong SLOWEST_MS = new AtomicLong();
    /** No single input may take longer than this (a hang). */
    static final Duration BOUND = Duration.ofSeconds(15);

    static EtlServer server;
    static Api api;
    static Path dir;
    static ExecutorService timer;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("etl-fuzz-files");
        ServerSettings s = new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "WARN", 1000, Optional.empty(), false, dir.resolve("plugins"));
        server = new EtlServer(s, ConfigFiles.Loaded.empty()).start();
        api = new Api(server.port(), null);
        timer = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fuzz-input");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterContainer
    static void stop() {
        System.out.printf("FUZZING: YAML config files %d tried (%d refused with a ConfigException naming the file); rule templates %d tried "
                        + "(%d refused with a 4xx); Avro schemas %d tried (%d refused with a 4xx); no 5xx, no crash; slowest input %d ms%n",
                YAML_TRIED.get(), YAML_REFUSED.get(), TEMPLATES_TRIED.get(), TEMPLATES_REFUSED.get(), SCHEMAS_TRIED.get(),
                SCHEMAS_REFUSED.get(), SLOWEST_MS.get());
        server.close();
        timer.shutdownNow();
    }

    /** Runs one input with a time bound: a hang fails the property instead of the build. */
    static <T> T bounded(String what, java.util.concurrent.Callable<T> input) throws Exception {
        long started = System.nanoTime();
        Future<T> f = timer.submit(input);
        try {
            return f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("no answer within " + BOUND + " for " + what);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError("crashed on " + what + ": " + e.getCause(), e.getCause());
        } finally {
            SLOWEST_MS.accumulateAndGet((System.nanoTime() - started) / 1_000_000, Math::max);
        }
    }

    private static void assertHealthy() {
        assertThat(api.get("/health").status()).isEqualTo(200);
    }

    private static void check4xx(String what, Api.Response r, AtomicInteger refused) {
        assertThat(r.status()).as("%s -> %s", what, r).isLessThan(500);
        if (r.status() >= 400) {
            refused.incrementAndGet();
            assertThat(r.json()).as("error body is JSON: %s", r.body()).isNotNull();
            assertThat(r.json().path("error").asText()).as("error names the kind: %s", r.body()).isNotBlank();
            assertThat(r.json().path("detail").asText()).as("detail names what was wrong: %s", r.body()).isNotBlank();
        }
    }

    // ---- YAML config files ----------------------------------------------------------------------------------

    @Property(tries = 300)
    void yamlConfigFilesLoadOrAreRefusedNamingTheFile(@ForAll("configFile") String file, @ForAll("yaml") String text) throws Exception {
        YAML_TRIED.incrementAndGet();
        Path config = Files.createTempDirectory(dir, "config");
        Files.writeString(config.resolve(file), text);
        bounded(file, () -> {
            try {
                ConfigFiles.Loaded loaded = ConfigFiles.load(config, name -> "DB_PASSWORD".equals(name) ? "s3cret" : null);
                // the server then parses every declared rule; a bad one is refused naming it
                for (Map<String, Object> rule : loaded.transformationRules()) {
                    try {
                        RuleFiles.parse(EtlJson.mapper().writeValueAsString(Map.of("rules", List.of(rule))));
                    } catch (EtlException refused) {
                        assertThat(refused.getMessage()).isNotBlank();
                    }
                }
                loaded.sources().forEach(d -> assertThat(d.id()).isNotBlank());
                loaded.sinks().forEach(d -> assertThat(d.id()).isNotBlank());
            } catch (ConfigException refused) {
                YAML_REFUSED.incrementAndGet();
                assertThat(refused.getMessage()).as("names the file").contains(file);
                assertThat(refused.getMessage()).doesNotContain("s3cret");
            }
            return null;
        });
    }

    @Provide
    Arbitrary<String> configFile() {
        return Arbitraries.of("cdc.yaml", "connectors.yaml", "transformations.yaml", "quality.yaml");
    }

    @Provide
    Arbitrary<String> yaml() {
        Arbitrary<String> valid = Arbitraries.of(
                "sinks:\n  - id: wh\n    type: jdbc\n    connection_string: postgresql://u:${DB_PASSWORD}@h/db\n    config:\n      batch_size: 10\n",
                "sources:\n  - id: pg\n    type: postgresql\n    connection_string: postgresql://u:p@h/db\n    tables: [users]\n",
                "rules:\n  - rule_id: r\n    name: R\n    rule_type: map\n    source_fields: [a]\n    target_field: b\n    expression: \"{{ a|upper }}\"\n",
                "rules:\n  - rule_id: q\n    name: Q\n    target: t\n    field: email\n    check: not_null\n    action: warn\n");
        Arbitrary<String> fragments = Arbitraries.of("sinks:", "sources:", "rules:", "  - ", "id: ", "type: ", "config:", "tables: [",
                "]", "{", "}", "&a ", "*a", "<<: *a", "!!java.lang.Runtime", "!!binary", "? ", ": ", "- - - -", "\t", "\"", "'",
                "${NOPE}", "${DB_PASSWORD}", "${X:-d}", "null", "~", "1e999", "0x1F", "yes", "on", "[[[[[[[[", "{{ a }}",
                "rule_type: map", "expression: \"{{ 1/0 }}\"", "---\n", "...\n", "%YAML 1.1\n", "\u0000", "\uFEFF", "é");
        Arbitrary<String> soup = Combinators.combine(fragments.list().ofMaxSize(30), Arbitraries.of("", " ", "\n", "\n  "))
                .as((l, separator) -> String.join(separator, l));
        Arbitrary<String> mutated = Combinators.combine(valid, Arbitraries.integers().between(0, 200), fragments)
                .as((v, at, f) -> v.substring(0, Math.min(at, v.length())) + f + v.substring(Math.min(at, v.length())));
        Arbitrary<String> deep = Arbitraries.integers().between(10, 5_000).map(n -> "rules: " + "[".repeat(n) + "]".repeat(n));
        Arbitrary<String> aliases = Arbitraries.integers().between(2, 12).map(ConfigRuleSchemaFuzzTest::billionLaughs);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, valid), net.jqwik.api.Tuple.of(5, mutated), net.jqwik.api.Tuple.of(5, soup),
                net.jqwik.api.Tuple.of(1, deep), net.jqwik.api.Tuple.of(1, aliases), net.jqwik.api.Tuple.of(2, Arbitraries.strings().ofMaxLength(300)));
    }

    /** Nested aliases that expand exponentially if a parser follows them blindly. */
    static String billionLaughs(int levels) {
        StringBuilder sb = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i <= levels; i++) {
            sb.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) {
                sb.append(j == 0 ? "" : ",").append("*a").append(i - 1);
            }
            sb.append("]\n");
        }
        return sb.append("rules: *a").append(levels).append('\n').toString();
    }

    // ---- rule templates -------------------------------------------------------------------------------------

    @Property(tries = 400)
    void ruleTemplatesNeverBreakThePreview(@ForAll("template") String template) throws Exception {
        TEMPLATES_TRIED.incrementAndGet();
        String body = "{\"rules\":[{\"rule_id\":\"f\",\"name\":\"F\",\"rule_type\":\"map\",\"source_fields\":[\"email\"],\"target_field\":\"out\","
                + "\"expression\":" + ApiFuzzTest.quote(template) + "}],\"records\":[{\"email\":\"a@b.c\",\"tags\":[\"a\",\"b\"],\"price\":3,"
                + "\"payload\":\"{{ 7*7 }}\"}]}";
        Api.Response r = bounded(template, () -> api.post("/api/v1/transformations/preview", body));
        check4xx(template, r, TEMPLATES_REFUSED);
        if (r.status() == 200) {
            String out = r.json().path("results").path(0).toString();
            // the template's own literal text may come back; nothing else that shows the JVM may
            for (String sign : List.of("java.lang", "uid=", "jinjava", "Jinjava", "class java", "class io.")) {
                assertThat(out.contains(sign) && !template.contains(sign)).as("%s leaked %s: %s", template, sign, out).isFalse();
            }
            assertThat(out.length()).as("output bounded for %s", template).isLessThan(1_000_000);
        }
    }

    @Property(tries = 100)
    void ruleTemplatesAddedThroughTheApiAreValidatedOrRefused(@ForAll("template") String template) throws Exception {
        TEMPLATES_TRIED.incrementAndGet();
        String id = "fz" + Integer.toHexString(template.hashCode());
        String body = "{\"rule_id\":\"" + id + "\",\"name\":\"F\",\"rule_type\":\"filter\",\"source_fields\":[\"email\"],\"expression\":"
                + ApiFuzzTest.quote(template) + "}";
        Api.Response r = bounded(template, () -> api.post("/api/v1/transformations", body));
        check4xx(template, r, TEMPLATES_REFUSED);
        if (r.status() == 201) {
            assertThat(api.delete("/api/v1/transformations/" + id).status()).isEqualTo(200);
        }
        assertHealthy();
    }

    @Provide
    Arbitrary<String> template() {
        Arbitrary<String> tokens = Arbitraries.of("{{", "}}", "{%", "%}", "{#", "#}", "email", "tags", "price", "payload", "loop", "self",
                "range(3)", "range(99999999)", "namespace()", "cycler(1,2)", "joiner()", "lipsum()", "____int3rpr3t3r____", "'x'", "\"y\"",
                "1", "0", "-1", "1.5", "1e308", "none", "true", "[]", "{}", "(", ")", "[", "]", ",", ".", ":", "+", "-", "*", "/", "//", "%",
                "**", "~", "==", "!=", "<", "and", "or", "not", "in", "is", "defined", "|", "upper", "length", "list", "join", "int", "float",
                "tojson", "fromjson", "render", "attr('getClass')", "map(attribute='class')", "format", "replace('a','b')", "center(9999)",
                "truncate(3)", "sort", "unique", "if", "else", "endif", "for x in tags", "endfor", "set v = 1", "macro m()", "endmacro", "m()",
                "call", "do", "raw", "endraw", "getClass()", ".class", "__class__", "['getClass']", ".forName('java.lang.Runtime')",
                "\\", "\u0000", "é", " ");
        Arbitrary<String> soup = tokens.list().ofMinSize(1).ofMaxSize(14).map(l -> String.join(" ", l));
        Arbitrary<String> wrapped = soup.map(s -> "{{ " + s + " }}");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, wrapped), net.jqwik.api.Tuple.of(2, soup),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(TemplateInjectionTest.PAYLOADS)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(60)));
    }

    // ---- Avro schemas ---------------------------------------------------------------------------------------

    @Property(tries = 300)
    void avroSchemasAreRegisteredOrRefusedWithA4xx(@ForAll("schema") String schema, @ForAll boolean check) throws Exception {
        SCHEMAS_TRIED.incrementAndGet();
        String body = "{\"subject\":\"fuzz_subject\",\"schema\":" + schema + ",\"schema_type\":\"AVRO\"}";
        String path = check ? "/api/v1/schema/check-compatibility" : "/api/v1/schema/register";
        Api.Response r = bounded(schema, () -> api.post(path, body));
        if (r.status() == 409) {
            // an incompatible schema: the registry's own answer, naming the incompatibility
            SCHEMAS_REFUSED.incrementAndGet();
            assertThat(r.body()).isNotBlank();
            return;
        }
        check4xx(schema, r, SCHEMAS_REFUSED);
    }

    @Provide
    Arbitrary<String> schema() {
        Arbitrary<String> types = Arbitraries.of("\"int\"", "\"long\"", "\"string\"", "\"boolean\"", "\"double\"", "\"bytes\"", "\"null\"",
                "[\"null\",\"string\"]", "[\"string\",\"string\"]", "[]", "\"nope\"", "\"Rec\"", "{\"type\":\"array\",\"items\":\"int\"}",
                "{\"type\":\"map\",\"values\":\"long\"}", "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"A\"]}",
                "{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}", "{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":0}",
                "{\"type\":\"record\",\"name\":\"Rec\",\"fields\":[]}", "null", "1", "{}");
        Arbitrary<String> names = Arbitraries.of("id", "email", "1bad", "", "a-b", "ok_name", "id");
        Arbitrary<String> defaults = Arbitraries.of("", ",\"default\":null", ",\"default\":1", ",\"default\":\"x\"", ",\"default\":[]");
        Arbitrary<String> field = Combinators.combine(names, types, defaults).as((n, t, d) -> "{\"name\":\"" + n + "\",\"type\":" + t + d + "}");
        Arbitrary<String> record = Combinators.combine(Arbitraries.of("Users", "", "a.b.C", "9x", "Rec"), field.list().ofMaxSize(6))
                .as((n, fs) -> "{\"type\":\"record\",\"name\":\"" + n + "\",\"fields\":[" + String.join(",", fs) + "]}");
        Arbitrary<String> asString = record.map(ApiFuzzTest::quote);
        Arbitrary<String> broken = Combinators.combine(record, Arbitraries.integers().between(0, 400))
                .as((s, cut) -> ApiFuzzTest.quote(s.substring(0, Math.min(cut, s.length()))));
        Arbitrary<String> deep = Arbitraries.integers().between(5, 300).map(n ->
                "{\"type\":\"record\",\"name\":\"R0\",\"fields\":[" + nested(n) + "]}");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, record), net.jqwik.api.Tuple.of(2, asString),
                net.jqwik.api.Tuple.of(2, broken), net.jqwik.api.Tuple.of(1, types), net.jqwik.api.Tuple.of(1, deep),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(80).map(ApiFuzzTest::quote)));
    }

    /** {@code n} records nested in one another's only field. */
    static String nested(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append("{\"name\":\"f").append(i).append("\",\"type\":{\"type\":\"record\",\"name\":\"R").append(i).append("\",\"fields\":[");
        }
        sb.append("{\"name\":\"leaf\",\"type\":\"int\"}");
        for (int i = 1; i <= n; i++) {
            sb.append("]}}");
        }
        return sb.toString();
    }
}
