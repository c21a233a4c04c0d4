package io.etlcdc.server.fuzz;

import io.etlcdc.server.EtlServer;
import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import io.etlcdc.server.testing.Api;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Known template-injection payloads against the Jinja sandbox, end to end through the rules API
 * (preview, where users put templates in). etl-transform's SandboxTest already covers method calls on
 * values, {@code forName}, class loaders, the interpreter variable and runaway sizes and loops on the
 * engine; this corpus adds what it does not: nested interpretation (values and strings rendered as
 * templates), recursion, a list grown while iterated, attribute access through filters and
 * subscripts, Python-style dunders, parser depth, and globals that exist in Jinjava. Each payload
 * must be refused (4xx naming the rule's expression) or answer within bounds, leak nothing, and
 * leave the server healthy.
 */
class TemplateInjectionTest {
    /** Payloads, also fed to the template fuzzer. */
    static final List<String> PAYLOADS = List.of(
            // nested interpretation: a record value or a built string rendered as a template
            "{{ payload|render }}",
            "{{ ('{{' ~ ' 7*7 ' ~ '}}')|render }}",
            "{{ '{{ email.getClass().forName(\\'java.lang.Runtime\\') }}'|render }}",
            "{% set t = '{% for i in range(999999999) %}x{% endfor %}' %}{{ t|render }}",
            "{{ payload|render|render|render }}",
            // class access and reflection through filters, subscripts and dunders
            "{{ email|attr('getClass') }}",
            "{{ email|attr('class')|attr('forName') }}",
            "{{ email['getClass']() }}",
            "{{ email['class'] }}",
            "{{ email.__class__.__base__.__subclasses__() }}",
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "{{ (1).getClass() }}",
            "{{ tags.iterator().getClass() }}",
            "{% set c = email.getClass() %}{{ c.getName() }}",
            "{{ self }}", "{{ self.__init__.__globals__ }}", "{{ config }}", "{{ request }}", "{{ namespace().getClass() }}",
            "{{ cycler(1).getClass() }}", "{{ joiner().getClass() }}", "{{ range(1).getClass() }}",
            "{{ email|map(attribute='class')|list }}",
            "{{ tags|map('attr', 'getClass')|list }}",
            "{{ email.getBytes().getClass() }}",
            "{{ ____int3rpr3t3r____ }}", "{{ ____int3rpr3t3r____.getConfig() }}",
            "{{ 'java.lang.Runtime'|classinfo }}",
            // recursion and unbounded loops
            "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}",
            "{% macro m() %}{{ m() }}{{ m() }}{% endmacro %}{{ m() }}",
            "{% for x in tags %}{% do tags.append(x) %}{% endfor %}{{ tags|length }}",
            "{% for x in tags %}{{ tags.append(x) }}{% endfor %}",
            "{% set l = [1] %}{% for x in l %}{% do l.append(x) %}{% endfor %}",
            "{% for i in range(0, 999999999999, 1) %}{% endfor %}",
            "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}",
            // huge allocations
            "{{ lipsum(100000000) }}",
            "{{ 'x'|center(2147483647) }}",
            "{{ 'x'|indent(999999999) }}",
            "{{ 'ab'|replace('a', 'a' * 100000)|replace('a', 'a' * 100000) }}",
            "{{ range(99999999)|join(',') }}",
            "{{ '%.999999999f'|format(1.0) }}",
            "{{ 9 ** 9 ** 9 }}",
            "{{ [1] * 999999999 }}",
            "{{ 'x' * 999999 * 999999 }}",
            // parser depth
            "{{ " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + " }}",
            "{{ " + "[".repeat(5_000) + "]".repeat(5_000) + " }}",
            "{{ 1" + " + 1".repeat(20_000) + " }}",
            "{% if true %}".repeat(2_000) + "x" + "{% endif %}".repeat(2_000));

    static EtlServer server;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("etl-injection");
        server = new EtlServer(new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "WARN", 1000, Optional.empty(), false, dir.resolve("plugins")), ConfigFiles.Loaded.empty()).start();
        api = new Api(server.port(), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyPayloadIsRefusedOrBoundedAndLeaksNothing() {
        List<String> outcomes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int refused = 0;
        int recordErrors = 0;
        int rendered = 0;
        for (String payload : PAYLOADS) {
            String body = "{\"rules\":[{\"rule_id\":\"inj\",\"name\":\"Inj\",\"rule_type\":\"map\",\"source_fields\":[\"email\"],"
                    + "\"target_field\":\"out\",\"expression\":" + ApiFuzzTest.quote(payload) + "}],\"records\":[{\"email\":\"a@b.c\","
                    + "\"tags\":[\"a\",\"b\"],\"payload\":\"{{ email.getClass() }}\"}]}";
            Api.Response r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> api.post("/api/v1/transformations/preview", body),
                    () -> "no answer within 20 s for " + abbreviate(payload));
            String what = abbreviate(payload);
            String leaked = leak(r.body());
            if (r.status() >= 500 || leaked != null || r.body().length() >= 300_000) {
                failures.add(what + " -> " + r.status() + (leaked != null ? " leaked '" + leaked + "'" : "") + ": " + abbreviate(r.body()));
                continue;
            }
            String outcome;
            if (r.status() >= 400) {
                refused++;
                assertThat(r.json().path("detail").asText()).as(what).isNotBlank();
                outcome = r.status() + " " + abbreviate(r.json().path("detail").asText());
            } else if (r.json().path("results").path(0).hasNonNull("error")) {
                recordErrors++;
                outcome = "record refused: " + abbreviate(r.json().path("results").path(0).path("error").asText());
            } else {
                rendered++;
                outcome = "rendered: " + abbreviate(r.json().path("results").path(0).path("output").path("out").toString());
            }
            outcomes.add(what + " => " + outcome);
            assertThat(api.get("/health").status()).isEqualTo(200);
        }
        outcomes.forEach(o -> System.out.println("  " + o));
        System.out.printf("TEMPLATE INJECTION CORPUS: %d payloads: %d refused with a 4xx, %d refused per record (error, dead letter), "
                + "%d rendered harmlessly; failures %d%n", PAYLOADS.size(), refused, recordErrors, rendered, failures.size());
        assertThat(failures).as("payloads that broke the sandbox or the server").isEmpty();
    }

    /** What in a response would show that a payload reached the JVM: a class name, a command's output, a path. */
    static String leak(String body) {
        for (String sign : List.of("java.lang.", "java.io.", "uid=", "/root", "jinjava.", "Jinjava", "class io.", "class java", "@")) {
            String b = body.replace("a@b.c", "");
            if (b.contains(sign)) {
                return sign;
            }
        }
        return null;
    }

    static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 100 ? one.substring(0, 100) + "...(" + one.length() + " chars)" : one;
    }
}
