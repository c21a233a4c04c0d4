package io.etlcdc.transform.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etlcdc.core.error.EtlException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs every case of the conformance corpus, whose expected values Python's jinja2 produced
 * ({@code src/test/python/gen_corpus.py}), and requires the same typed result, type included
 * (int vs float vs Decimal), or an error where Python raised one.
 */
class ConformanceTest {
    private static final JinjaEngine ENGINE = JinjaEngine.builder().build();

    static JsonNode corpus() throws IOException {
        try (InputStream in = ConformanceTest.class.getResourceAsStream("/conformance/corpus.json")) {
            return new ObjectMapper().readTree(Objects.requireNonNull(in, "corpus.json missing"));
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPythonJinja2() throws IOException {
        JsonNode doc = corpus();
        Map<String, Map<String, Object>> records = new LinkedHashMap<>();
        doc.get("records").fields().forEachRemaining(e -> records.put(e.getKey(), asRecord(e.getValue())));
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : doc.get("cases")) {
            String template = c.get("template").asText();
            Map<String, Object> record = records.get(c.get("record").asText());
            tests.add(DynamicTest.dynamicTest(c.get("id").asText() + " " + template.replace("\n", "\\n"),
                    () -> check(c, template, record)));
        }
        return tests.stream();
    }

    @Test
    void corpusIsLargeAndHasTheSpecExamples() throws IOException {
        JsonNode doc = corpus();
        assertThat(doc.get("cases").size()).isGreaterThanOrEqualTo(300);
        Map<String, JsonNode> byTemplate = new LinkedHashMap<>();
        for (JsonNode c : doc.get("cases")) {
            if (c.get("record").asText().equals("r1")) {
                byTemplate.put(c.get("template").asText(), c.get("expected"));
            }
        }
        assertThat(byTemplate.get("{{ email.split(\"@\")[0][:3] }}***@{{ email.split(\"@\")[1] }}").asText())
                .isEqualTo("joh***@example.com");
        assertThat(byTemplate.get("{{ price + tax }}").isNumber()).isTrue();
        assertThat(byTemplate.get("{\n  \"email\": \"***@{{ email.split('@')[1] }}\",\n  \"phone\": \"***-***-{{ phone[-4:] }}\"\n}\n").isObject()).isTrue();
    }

    private static void check(JsonNode c, String template, Map<String, Object> record) {
        if (c.has("error")) {
            try {
                Object actual = ENGINE.compile(template).evaluate(record);
                fail("Python raised " + c.get("error").asText() + " but the engine returned " + Py.repr(actual));
            } catch (EtlException expected) {
                return;
            }
        }
        Object actual = ENGINE.compile(template).evaluate(record);
        String problem = compare(c.get("expected"), actual, "$");
        if (problem != null) {
            fail(problem + "\n  expected (Python): " + c.get("expected") + "\n  actual:            " + Py.repr(actual)
                    + (actual == null ? "" : " (" + actual.getClass().getSimpleName() + ")"));
        }
    }

    static Map<String, Object> asRecord(JsonNode node) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) decode(node);
        return m;
    }

    /** JSON to the Java values sources deliver: small ints as Integer (INT32), others Long/BigInteger, Decimal as BigDecimal. */
    static Object decode(JsonNode n) {
        if (n.isNull()) return null;
        if (n.isBoolean()) return n.booleanValue();
        if (n.isTextual()) return n.textValue();
        if (n.isIntegralNumber()) {
            BigInteger v = n.bigIntegerValue();
            if (v.bitLength() < 32) return v.intValue();
            if (v.bitLength() < 64) return v.longValue();
            return v;
        }
        if (n.isNumber()) return n.doubleValue();
        if (n.isArray()) {
            List<Object> out = new ArrayList<>();
            n.forEach(x -> out.add(decode(x)));
            return out;
        }
        if (n.has("$decimal")) return new BigDecimal(n.get("$decimal").asText());
        if (n.has("$float")) return Double.parseDouble(n.get("$float").asText().replace("inf", "Infinity").replace("nan", "NaN"));
        Map<String, Object> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), decode(e.getValue())));
        return out;
    }

    /** Null when {@code actual} is what Python produced, else the first difference. */
    static String compare(JsonNode expected, Object actual, String path) {
        if (expected.isNull()) {
            return actual == null ? null : path + ": expected None";
        }
        if (expected.isBoolean()) {
            return actual instanceof Boolean b && b == expected.booleanValue() ? null : path + ": expected bool " + expected;
        }
        if (expected.isTextual()) {
            return actual instanceof CharSequence s && s.toString().equals(expected.textValue()) ? null
                    : path + ": expected str " + expected;
        }
        if (expected.isIntegralNumber()) {
            if (Py.numKind(actual) != Py.INT || actual instanceof Boolean) return path + ": expected int " + expected;
            return Py.toBigInteger(actual).equals(expected.bigIntegerValue()) ? null : path + ": expected int " + expected;
        }
        if (expected.isNumber()) {
            if (!(actual instanceof Double d)) return path + ": expected float " + expected;
            return Double.compare(d, expected.doubleValue()) == 0 ? null : path + ": expected float " + expected;
        }
        if (expected.isArray()) {
            if (!(actual instanceof List<?> l) || l.size() != expected.size()) return path + ": expected a list of " + expected.size();
            for (int i = 0; i < l.size(); i++) {
                String p = compare(expected.get(i), l.get(i), path + "[" + i + "]");
                if (p != null) return p;
            }
            return null;
        }
        if (expected.has("$decimal")) {
            return actual instanceof BigDecimal d && d.toString().equals(expected.get("$decimal").asText()) ? null
                    : path + ": expected Decimal " + expected.get("$decimal");
        }
        if (expected.has("$float")) {
            double want = (Double) decode(expected);
            return actual instanceof Double d && Double.compare(d, want) == 0 ? null : path + ": expected float " + want;
        }
        if (!(actual instanceof Map<?, ?> m) || m.size() != expected.size()) return path + ": expected a dict of " + expected.size();
        Map<String, Object> byText = new LinkedHashMap<>();
        m.forEach((k, v) -> byText.put(String.valueOf(k), v));
        Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!byText.containsKey(e.getKey())) return path + ": missing key " + e.getKey();
            String p = compare(e.getValue(), byText.get(e.getKey()), path + "." + e.getKey());
            if (p != null) return p;
        }
        return null;
    }
}
