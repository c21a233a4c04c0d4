package io.etlcdc.transform.expr;

import io.etlcdc.core.error.EtlException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Known Jinjava escape payloads, on the compiled path and on the interpreter fallback, are refused. */
class SandboxTest {
    static final JinjaEngine ENGINE = JinjaEngine.builder()
            .limits(new TemplateLimits(100_000, 10_000, 200_000, 2_000)).build();
    /** A macro makes the compiler hand the template to the sandboxed Jinjava interpreter. */
    static final String FORCE_FALLBACK = "{% macro m() %}{% endmacro %}";

    static Map<String, Object> record() {
        Map<String, Object> r = new HashMap<>();
        r.put("email", "a@b.c");
        r.put("tags", new ArrayList<>(List.of("a", "b")));
        r.put("payload", "{{ 7*7 }}");
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{{ email.getClass() }}",
            "{{ email.getClass().forName('java.lang.Runtime') }}",
            "{{ email.getClass().forName('java.lang.Runtime').getRuntime().exec('id') }}",
            "{{ email.class.classLoader }}",
            "{{ email.class.forName('java.lang.System').getProperty('user.home') }}",
            "{{ email.__class__.__mro__ }}",
            "{{ tags.getClass().getClassLoader().loadClass('java.lang.Runtime') }}",
            "{{ email.repeat(1500000000) }}",
            "{{ tags.clear() }}",
            "{{ ____int3rpr3t3r____.getContext() }}",
    })
    void escapePayloadsAreRefusedOnBothPaths(String payload) {
        for (String template : List.of(payload, FORCE_FALLBACK + payload)) {
            Map<String, Object> r = record();
            String output;
            try {
                Template t = ENGINE.compile(template);
                output = t.render(r);
            } catch (EtlException refused) {
                assertThat(r.get("tags")).isEqualTo(List.of("a", "b"));
                continue;
            }
            assertThat(output).as(template).doesNotContainIgnoringCase("class").doesNotContain("java.").doesNotContain("/root")
                    .doesNotContain("uid=").hasSizeLessThan(1000);
            assertThat(r.get("tags")).isEqualTo(List.of("a", "b"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{% include 'etc/passwd' %}", "{% import 'macros.j2' as m %}", "{% extends 'base.html' %}",
            "{% from 'x.j2' import y %}", "{% if true %}{% include 'x' %}{% endif %}"})
    void tagsThatReadOtherFilesAreRefusedWhenCompiled(String template) {
        assertThatThrownBy(() -> ENGINE.compile(template)).isInstanceOf(TemplateSyntaxException.class).hasMessageContaining("not allowed");
    }

    @Test
    void recordValuesAreNeverInterpretedAsTemplates() {
        assertThat(ENGINE.compile("{{ payload }}").render(record())).isEqualTo("{{ 7*7 }}");
        assertThat(ENGINE.compile(FORCE_FALLBACK + "{{ payload }}").render(record())).isEqualTo("{{ 7*7 }}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{{ 'x' * 2000000000 }}",
            "{{ range(1000000000)|list|length }}",
            "{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}",
            "{{ 'ab'.center(900000000) }}",
            "{{ '%900000000s'|format('x') }}",
            "{{ 10 ** 100000000 }}",
            "{{ tags * 100000000 }}",
            "{% for i in range(9000) %}{{ 'xxxxxxxxxxxxxxxxxxxx' }}{% endfor %}",
    })
    void sizeLoopAndStepLimitsStopRunawayTemplates(String template) {
        assertThatThrownBy(() -> ENGINE.compile(template).render(record())).isInstanceOf(EtlException.class)
                .hasMessageContaining("SecurityError");
    }

    @Test
    void fallbackOutputIsBounded() {
        String t = FORCE_FALLBACK + "{% for i in range(9000) %}{{ 'xxxxxxxxxxxxxxxxxxxx' }}{% endfor %}";
        Template template = ENGINE.compile(t);
        assertThat(template.isCompiled()).isFalse();
        String out;
        try {
            out = template.render(record());
        } catch (EtlException refused) {
            return;
        }
        assertThat(out.length()).isLessThanOrEqualTo(100_000);
    }

    /** Found by the server's template fuzzer: each was a 500, a stack overflow or a minutes-long parse. */
    @ParameterizedTest
    @ValueSource(ints = {65, 2_000, 20_000})
    void nestingDeeperThanTheLimitIsASyntaxErrorNotAStackOverflow(int depth) {
        for (String t : List.of("{{ " + "(".repeat(depth) + "1" + ")".repeat(depth) + " }}", "{{ " + "[".repeat(depth) + "]".repeat(depth) + " }}",
                "{% if true %}".repeat(depth) + "x" + "{% endif %}".repeat(depth))) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> ENGINE.compile(t)).isInstanceOf(TemplateSyntaxException.class).hasMessageContaining("nested");
            assertThat((System.nanoTime() - started) / 1_000_000).as("ms to refuse").isLessThan(2_000);
        }
        assertThat(ENGINE.compile("{{ " + "(".repeat(60) + "1" + ")".repeat(60) + " }}").render(record())).isEqualTo("1");
    }

    @Test
    void theInterpreterVariableIsReservedAndParserRefusalsAreSyntaxErrors() {
        assertThatThrownBy(() -> ENGINE.compile("{{ ____int3rpr3t3r____ }}")).isInstanceOf(TemplateSyntaxException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> ENGINE.compile("{{ {'a': 1 | 2} }}")).isInstanceOf(TemplateSyntaxException.class);
        assertThatThrownBy(() -> ENGINE.compile("{{ email [] }}")).isInstanceOf(TemplateSyntaxException.class)
                .hasMessageContaining("operand is missing");
    }
}
