package io.etlcdc.quality.support;

import io.etlcdc.quality.CheckFailure;
import io.etlcdc.quality.QualityCheckRequest;
import io.etlcdc.quality.QualityGate;
import io.etlcdc.quality.QualityRule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Short ways to build rules and check single values in tests. */
public final class Rules {
    private Rules() {}

    /** A rule on {@code field} with target {@code all}; parameters as alternating names and values. */
    public static QualityRule rule(String ruleId, String check, String field, Object... parameters) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < parameters.length; i += 2) {
            params.put((String) parameters[i], parameters[i + 1]);
        }
        return QualityRule.of(ruleId, null, field, check, params);
    }

    /** A gate whose expression checks use the test engine. */
    public static QualityGate gate(QualityRule... rules) {
        return QualityGate.builder().expressionLanguage(MiniExpressionEngineProvider.IDENTIFIER).rules(List.of(rules)).build();
    }

    /** The failures of a one-field record holding {@code value} under the rule's field (dry run). */
    public static List<CheckFailure> failures(QualityRule rule, Object value) {
        Map<String, Object> record = new HashMap<>();
        record.put(rule.field(), value);
        return gate(rule).check(QualityCheckRequest.of(List.of(record), List.of())).results().get(0).failures();
    }

    public static void assertPasses(QualityRule rule, Object... values) {
        for (Object v : values) {
            assertThat(failures(rule, v)).as("%s on %s (%s)", rule.check(), v, v == null ? "null" : v.getClass().getSimpleName()).isEmpty();
        }
    }

    public static void assertFails(QualityRule rule, Object value, String reasonContains) {
        List<CheckFailure> failures = failures(rule, value);
        assertThat(failures).as("%s on %s (%s)", rule.check(), value, value == null ? "null" : value.getClass().getSimpleName()).hasSize(1);
        CheckFailure f = failures.get(0);
        assertThat(f.ruleId()).isEqualTo(rule.ruleId());
        assertThat(f.check()).isEqualTo(rule.check());
        assertThat(f.field()).isEqualTo(rule.field());
        assertThat(f.value()).isEqualTo(value);
        assertThat(f.reason()).contains(reasonContains);
    }

    /** A list that may hold nulls. */
    public static List<Object> listOf(Object... values) {
        List<Object> out = new ArrayList<>();
        for (Object v : values) {
            out.add(v);
        }
        return out;
    }
}
