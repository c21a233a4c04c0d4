package io.etlcdc.quality;

import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.json.EtlJson;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.etlcdc.quality.support.Rules.gate;
import static io.etlcdc.quality.support.Rules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The on-demand check: request and response as {@code POST /api/v1/quality/check} carries them. */
class QualityCheckTest {
    private final QualityGate gate = gate(
            rule("email_format", "pattern", "email", "regex", "^[^@]+@[^@]+\\.[a-z]+$").withTarget("postgres_main_users"),
            rule("amount_range", "range", "amount", "min", 0, "max", 100).withTarget("postgres_main_orders"),
            rule("id_present", "not_null", "id").withTarget("postgres_main"),
            rule("tenant_known", "allowed_values", "tenant", "values", List.of("a", "b")));

    private static QualityCheckRequest parse(String json) throws Exception {
        return EtlJson.mapper().readValue(json, QualityCheckRequest.class);
    }

    private static Map<String, Object> toJson(Object value) {
        return EtlJson.mapper().convertValue(value, new TypeReference<>() {});
    }

    @Test
    void answersTheIssuesExampleWithTheDocumentedShape() throws Exception {
        QualityCheckRequest request = parse("""
                {"records": [{"email": "a@b.com"}, {"email": "nope", "name": "x"}, {"email": null}],
                 "rule_ids": ["email_format"]}
                """);
        QualityCheckResult result = gate.check(request);
        Map<String, Object> json = toJson(result);
        assertThat(json).containsOnlyKeys("results", "summary");
        assertThat(json.get("summary")).isEqualTo(Map.of("checked", 3, "passed", 2, "failed", 1, "score", 2.0 / 3));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) json.get("results");
        assertThat(results).hasSize(3);
        assertThat(results.get(0)).isEqualTo(Map.of("index", 0, "passed", true, "failures", List.of()));
        assertThat(results.get(1)).containsEntry("index", 1).containsEntry("passed", false);
        assertThat(results.get(1).get("failures")).isEqualTo(List.of(Map.of("rule_id", "email_format", "field", "email",
                "check", "pattern", "value", "nope", "reason", "does not match the pattern ^[^@]+@[^@]+\\.[a-z]+$")));
        assertThat(EtlJson.mapper().writeValueAsString(result.results().get(1).failures().get(0)))
                .isEqualTo("{\"rule_id\":\"email_format\",\"field\":\"email\",\"check\":\"pattern\",\"value\":\"nope\","
                        + "\"reason\":\"does not match the pattern ^[^@]+@[^@]+\\\\.[a-z]+$\"}");
        assertThat(results.get(2)).containsEntry("passed", true);
    }

    @Test
    void aFailureWithANullValueKeepsTheValueKey() throws Exception {
        QualityCheckResult result = gate.check(QualityCheckRequest.of(List.of(Map.of("name", "x")), List.of("id_present")));
        assertThat(EtlJson.mapper().writeValueAsString(result.results().get(0).failures().get(0)))
                .isEqualTo("{\"rule_id\":\"id_present\",\"field\":\"id\",\"check\":\"not_null\",\"value\":null,\"reason\":\"is null or missing\"}");
    }

    @Test
    void withoutRuleIdsRunsTheRulesOfTheTargetAndThoseOnAll() {
        List<Map<String, Object>> records = List.of(Map.of("email", "bad", "amount", 500, "tenant", "z"));
        assertThat(ruleIdsFailing(new QualityCheckRequest(records, null, "postgres_main_users")))
                .containsExactly("email_format", "id_present", "tenant_known");
        assertThat(ruleIdsFailing(new QualityCheckRequest(records, List.of(), "postgres_main_orders")))
                .containsExactly("amount_range", "id_present", "tenant_known");
        assertThat(ruleIdsFailing(new QualityCheckRequest(records, null, "mysql_shop_orders")))
                .containsExactly("tenant_known");
        assertThat(ruleIdsFailing(new QualityCheckRequest(records, null, null)))
                .as("with neither rule ids nor a target every rule runs")
                .containsExactly("email_format", "amount_range", "id_present", "tenant_known");
    }

    private List<String> ruleIdsFailing(QualityCheckRequest request) {
        return gate.check(request).results().get(0).failures().stream().map(CheckFailure::ruleId).toList();
    }

    @Test
    void unknownRuleIdsAreNamed() {
        EtlException e = catchThrowableOfType(EtlException.class,
                () -> gate.check(QualityCheckRequest.of(List.of(Map.of()), List.of("email_format", "nope", "nada"))));
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.getMessage()).startsWith("no quality rules [nope, nada]; known rules: amount_range, email_format, id_present, tenant_known");
    }

    @Test
    void anEmptyRequestScoresOne() {
        QualityCheckResult result = gate.check(QualityCheckRequest.of(List.of(), List.of()));
        assertThat(result.results()).isEmpty();
        assertThat(result.summary()).isEqualTo(new CheckSummary(0, 0, 0, 1.0));
    }

    @Test
    void everyFailedCheckOfARecordIsListedInRuleOrder() {
        QualityCheckResult result = gate.check(QualityCheckRequest.of(List.of(Map.of("email", "x", "tenant", "c")), List.of()));
        assertThat(result.results().get(0).failures()).extracting(CheckFailure::ruleId, CheckFailure::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("email_format", "x"),
                        org.assertj.core.groups.Tuple.tuple("id_present", null),
                        org.assertj.core.groups.Tuple.tuple("tenant_known", "c"));
        assertThat(result.summary()).isEqualTo(new CheckSummary(1, 0, 1, 0.0));
    }

    @Test
    void aFreshnessRuleWithoutAFieldHasNoEventTimeInAPlainRecordAndIsNotChecked() {
        QualityGate withFreshness = gate(QualityRule.of("fresh", null, null, "freshness", Map.of("max_age_seconds", 1)));
        assertThat(withFreshness.check(QualityCheckRequest.of(List.of(Map.of("a", 1)), List.of())).summary().passed()).isEqualTo(1);
    }
}
