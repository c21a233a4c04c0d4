package io.etlcdc.transform.expr;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A template with a literal shape gives exactly what rendering it and reading the text back gives. */
class LiteralShapeTest {
    private static final JinjaEngine ENGINE = JinjaEngine.builder().build();

    private static final String SPEC_MASK_PII = """
            {
              "email": "***@{{ email.split('@')[1] }}",
              "phone": "***-***-{{ phone[-4:] }}"
            }
            """;

    /** Values that sit safely in a string literal, and values that change how the literal reads. */
    private static final List<Object> VALUES = List.of("plain", "n-first", "u00e9", "", "it's", "say \"hi\"", "back\\slash", "two\nlines",
            "tab\there", "\uE000 0\uE001", "é 😀", "{\"nested\": 1}", "[1, 2]", "None", "12", 3, -4.5, true);

    private static void sameAsRenderingAndReadingBack(String source, boolean shaped) {
        Template t = ENGINE.compile(source);
        assertThat(t.hasLiteralShape()).as("shape of %s", source).isEqualTo(shaped);
        for (Object a : VALUES) {
            for (Object b : VALUES) {
                Map<String, Object> row = new HashMap<>();
                row.put("a", a);
                row.put("b", b);
                Object expected = LiteralParser.typed(t.render(row));
                assertThat(t.evaluate(row)).as("%s with a=%s b=%s", source, a, b).isEqualTo(expected);
            }
        }
    }

    @Test
    void theSpecsNestedObjectIsBuiltFromItsShape() {
        Template t = ENGINE.compile(SPEC_MASK_PII);
        assertThat(t.hasLiteralShape()).isTrue();
        Object v = t.evaluate(Map.of("email", "john.doe@example.com", "phone", "555-010-1234"));
        assertThat(v).isEqualTo(Map.of("email", "***@example.com", "phone", "***-***-1234"));
        // a fresh map per record: a later rule changing one result never changes the next
        Object w = t.evaluate(Map.of("email", "x@y.org", "phone", "1"));
        assertThat(w).isNotSameAs(v).isEqualTo(Map.of("email", "***@y.org", "phone", "***-***-1"));
    }

    @Test
    void shapedTemplatesAgreeWithTheSlowPathForEveryValue() {
        sameAsRenderingAndReadingBack(SPEC_MASK_PII.replace("email.split('@')[1]", "a").replace("phone[-4:]", "b"), true);
        sameAsRenderingAndReadingBack("{'x': '{{ a }}', \"y\": [1, 'two {{ b }} three', {\"z\": \"{{ a }}{{ b }}\"}], 'n': 5, 'f': null}", true);
        sameAsRenderingAndReadingBack("  [\"{{ a }}\", '{{ b }}', true, None, 1.5e3]  ", true);
        sameAsRenderingAndReadingBack("{\"esc\": \"q\\\"{{ a }}\\n\", \"u\": \"\\u00e9{{ b }}\"}", true);
    }

    @Test
    void templatesWithoutAShapeStillAgree() {
        // an expression outside a string value, in a key, cut by an escape, in a tuple, with trailing text, with tags
        sameAsRenderingAndReadingBack("{\"n\": {{ a }}}", false);
        sameAsRenderingAndReadingBack("{\"{{ a }}\": 1}", false);
        sameAsRenderingAndReadingBack("{\"same\": \"{{ a }}\", 'same': '{{ b }}'}", false);
        sameAsRenderingAndReadingBack("{\"x\": \"\\\\{{ a }}\"}", false);
        sameAsRenderingAndReadingBack("{\"x\": \"\\{{ a }}\"}", false);
        sameAsRenderingAndReadingBack("('{{ a }}', '{{ b }}')", false);
        sameAsRenderingAndReadingBack("{\"x\": \"{{ a }}\"} and more", false);
        sameAsRenderingAndReadingBack("{% if a %}{\"x\": \"{{ a }}\"}{% endif %}", false);
        sameAsRenderingAndReadingBack("plain {{ a }} text", false);
    }

    @Test
    void theOutputLimitHoldsOnTheShapedPath() {
        JinjaEngine small = JinjaEngine.builder().limits(new TemplateLimits(50, 100_000, 1_000_000, 2_000)).build();
        Template t = small.compile("{\"x\": \"{{ a }}\"}");
        assertThat(t.hasLiteralShape()).isTrue();
        assertThat(t.evaluate(Map.of("a", "short"))).isEqualTo(Map.of("x", "short"));
        assertThatThrownBy(() -> t.evaluate(Map.of("a", "y".repeat(60)))).isInstanceOf(PyException.class).hasMessageContaining("limit");
    }

    @Test
    void resultsAreFreshAndChangeable() {
        Template t = ENGINE.compile("{\"list\": [1, \"{{ a }}\"], \"inner\": {\"k\": 2}}");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) t.evaluate(Map.of("a", "v"));
        first.put("added", 1);
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) first.get("list");
        list.add("more");
        @SuppressWarnings("unchecked")
        Map<String, Object> second = (Map<String, Object>) t.evaluate(Map.of("a", "v"));
        assertThat(second).doesNotContainKey("added");
        assertThat(second.get("list")).isEqualTo(new ArrayList<>(List.of(1L, "v")));
    }
}
