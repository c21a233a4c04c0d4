package io.etlcdc.quality;

import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.quality.support.MiniExpressionEngine;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.etlcdc.quality.support.Rules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Loading config/quality.yaml, the JSON names of a rule, and validation that names every bad part. */
class QualityRulesTest {

    private static Path exampleFile() throws URISyntaxException {
        return Path.of(QualityRulesTest.class.getResource("/config/quality.yaml").toURI());
    }

    private static Map<String, String> keysToMessages(ConfigException e) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (ConfigError err : e.errors()) {
            out.merge(err.key(), err.message(), (a, b) -> a + " | " + b);
        }
        return out;
    }

    @Test
    void loadsTheExampleFileWithOneRulePerCheckIntoAGate() throws Exception {
        QualityGate gate = QualityGate.builder().rulesFile(exampleFile()).expressionEngine(new MiniExpressionEngine()).build();
        assertThat(gate.qualityRules()).extracting(QualityRule::check)
                .containsExactly("not_null", "pattern", "type", "range", "allowed_values", "unique", "freshness", "expression");
        QualityRule email = gate.rule("email_format").orElseThrow();
        assertThat(email.name()).isEqualTo("Email format");
        assertThat(email.target()).isEqualTo("postgres_main_users");
        assertThat(email.parameters()).containsEntry("regex", "^[^@]+@[^@]+\\.[a-z]+$");
        assertThat(email.severity()).isEqualTo("error");
        assertThat(email.action()).isEqualTo("dead_letter");
        QualityRule defaults = gate.rule("id_is_integer").orElseThrow();
        assertThat(defaults.name()).isEqualTo("id_is_integer");
        assertThat(defaults.severity()).isEqualTo("error");
        assertThat(defaults.action()).isEqualTo("warn");
        assertThat(gate.rule("status_known").orElseThrow().parameters().get("values")).isEqualTo(List.of("pending", "paid", "shipped", "cancelled"));
    }

    @Test
    void withoutAnExpressionEngineTheExpressionRuleIsRefusedNamingTheMissingEngine() throws Exception {
        Path file = exampleFile();
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> QualityGate.builder().rulesFile(file).expressionLanguage("no-such-language").build());
        assertThat(e.errors()).hasSize(1);
        assertThat(e.errors().get(0).key()).isEqualTo("rules[7].parameters.expression");
        assertThat(e.errors().get(0).message()).contains("no expression engine for 'no-such-language'").contains("test-expr");
        assertThat(e.getMessage()).contains(file.toString());
    }

    @Test
    void reportsEveryProblemOfAFileAtOnceNamingEachBadPart() {
        String yaml = """
                rules:
                  - rule_id: a
                    field: x
                    check: spelling
                  - rule_id: b
                    field: email
                    check: pattern
                    parameters: {regex: '([a-z'}
                  - rule_id: c
                    field: x
                    check: pattern
                  - rule_id: d
                    field: x
                    check: not_null
                    severity: fatal
                    action: explode
                  - rule_id: a
                    field: x
                    check: not_null
                    colour: blue
                  - rule_id: f
                    check: range
                    parameters: {min: 10, max: 5}
                  - rule_id: g
                    field: x
                    check: type
                    parameters: {type: decimal, strict: true}
                  - rule_id: "bad id/"
                    field: x
                    check: unique
                    parameters: {window: 0}
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> QualityRules.parseYaml(yaml, "quality.yaml"));
        Map<String, String> errors = keysToMessages(e);
        assertThat(errors.get("rules[0].check")).contains("unknown check").contains("not_null, type, range, pattern");
        assertThat(errors.get("rules[1].parameters.regex")).contains("invalid regular expression").contains("Unclosed character class");
        assertThat(errors.get("rules[2].parameters.regex")).contains("is required");
        assertThat(errors.get("rules[3].severity")).contains("expected one of warning, error");
        assertThat(errors.get("rules[3].action")).contains("expected one of warn, drop, dead_letter, fail");
        assertThat(errors.get("rules[4].colour")).contains("unknown key");
        assertThat(errors.get("rules[5].field")).contains("is required for check 'range'");
        assertThat(errors.get("rules[6].parameters.type")).contains("expected one of string, integer, number, boolean, timestamp, date, email, uuid, json");
        assertThat(errors.get("rules[6].parameters.strict")).contains("unknown option");
        assertThat(errors.get("rules[7].rule_id")).contains("letters, digits");
        assertThat(errors.get("rules[7].parameters.window")).contains("between 1 and 10000000");
        assertThat(e.getMessage()).startsWith("quality.yaml: ");
    }

    @Test
    void findsDuplicateIdsAndBadRangesAfterTheStructureIsSound() {
        String yaml = """
                rules:
                  - {rule_id: a, field: x, check: not_null}
                  - {rule_id: a, field: y, check: not_null}
                  - {rule_id: r1, field: x, check: range, parameters: {min: 10, max: 5}}
                  - {rule_id: r2, field: x, check: range, parameters: {min: 5, max: 5, exclusive: true}}
                  - {rule_id: r3, field: x, check: range, parameters: {min: 1, max: '2024-01-01'}}
                  - {rule_id: r4, field: x, check: range, parameters: {min: soon}}
                  - {rule_id: r5, field: x, check: range}
                """;
        Map<String, String> errors = keysToMessages(catchThrowableOfType(ConfigException.class, () -> QualityRules.parseYaml(yaml, "q")));
        assertThat(errors.get("rules[1].rule_id")).isEqualTo("duplicate rule id");
        assertThat(errors.get("rules[2].parameters.max")).contains("must be at least 'min' (10)");
        assertThat(errors.get("rules[3].parameters.max")).contains("must be greater than 'min'");
        assertThat(errors.get("rules[4].parameters.max")).contains("same kind as 'min' (number)");
        assertThat(errors.get("rules[5].parameters.min")).contains("expected a number, an ISO date");
        assertThat(errors.get("rules[6].parameters.min")).contains("needs 'min', 'max' or both");
    }

    @Test
    void refusesDocumentsOfTheWrongShape() {
        assertThat(keysToMessages(catchThrowableOfType(ConfigException.class, () -> QualityRules.parseYaml("rules: [a, b", "q"))))
                .hasEntrySatisfying("(document)", m -> assertThat(m).contains("not valid YAML").contains("line"));
        assertThat(keysToMessages(catchThrowableOfType(ConfigException.class, () -> QualityRules.parseYaml("rule:\n  - x: 1\n", "q"))))
                .containsKey("rule");
        assertThat(keysToMessages(catchThrowableOfType(ConfigException.class, () -> QualityRules.parseYaml("rules: 5\n", "q"))))
                .containsEntry("rules", "expected a list of rules");
        assertThat(keysToMessages(catchThrowableOfType(ConfigException.class,
                () -> QualityRules.parseYaml("rules:\n  - {rule_id: a, field: [x], check: not_null, parameters: 3}\n", "q"))))
                .containsEntry("rules[0].field", "expected a text value")
                .containsEntry("rules[0].parameters", "expected a mapping of parameter names to values");
        assertThat(QualityRules.parseYaml("", "q")).isEmpty();
        assertThat(QualityRules.parseYaml("rules: []\n", "q")).isEmpty();
    }

    @Test
    void aMissingFileIsAClearError(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThatThrownBy(() -> QualityRules.load(dir.resolve("quality.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("quality rules file not found");
    }

    @Test
    void loadsAFileFromDisk(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("quality.yaml");
        Files.writeString(file, "rules:\n  - {rule_id: n, target: postgres_main_users, field: email, check: not_null, action: drop}\n");
        assertThat(QualityRules.load(file)).containsExactly(
                new QualityRule("n", "n", "postgres_main_users", "email", "not_null", Map.of(), "error", "drop"));
    }

    @Test
    void readsTheIssuesAddRuleBodyAndWritesTheSameNamesBack() throws Exception {
        String body = """
                {"rule_id": "email_format", "name": "Email format", "target": "postgres_main_users", "field": "email",
                 "check": "pattern", "parameters": {"regex": "^[^@]+@[^@]+\\\\.[a-z]+$"}, "severity": "error", "action": "dead_letter"}
                """;
        Map<String, Object> map = EtlJson.mapper().readValue(body, new TypeReference<>() {});
        QualityRule rule = QualityRules.fromMap(map);
        assertThat(rule.parameters()).containsEntry("regex", "^[^@]+@[^@]+\\.[a-z]+$");
        assertThat(EtlJson.mapper().readValue(body, QualityRule.class)).isEqualTo(rule);

        Map<String, Object> written = EtlJson.mapper().convertValue(rule, new TypeReference<>() {});
        assertThat(written).containsOnlyKeys("rule_id", "name", "target", "field", "check", "parameters", "severity", "action");
        assertThat(EtlJson.mapper().writeValueAsString(rule)).startsWith("{\"rule_id\":\"email_format\",\"name\":\"Email format\"");
    }

    @Test
    void fromMapRefusesUnknownKeysAndInvalidRulesInOneError() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> QualityRules.fromMap(Map.of(
                "rule_id", "x", "field", "email", "check", "pattern", "parameters", Map.of("regex", "("), "sevrity", "error")));
        assertThat(keysToMessages(e)).containsOnlyKeys("sevrity");
        ConfigException invalid = catchThrowableOfType(ConfigException.class, () -> QualityRules.fromMap(Map.of(
                "rule_id", "x", "field", "email", "check", "pattern", "parameters", Map.of("regex", "("), "severity", "high")));
        assertThat(keysToMessages(invalid)).containsOnlyKeys("parameters.regex", "severity");
        assertThat(invalid.getMessage()).contains("quality rule 'x'");
    }

    @Test
    void fromMapsReadsAListAsTheServerLoadsItAndNamesEachEntry() {
        List<QualityRule> rules = QualityRules.fromMaps(List.of(
                Map.of("rule_id", "a", "field", "x", "check", "not_null"),
                Map.of("rule_id", "b", "field", "x", "check", "range", "parameters", Map.of("min", 1))));
        assertThat(rules).extracting(QualityRule::ruleId).containsExactly("a", "b");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> QualityRules.fromMaps(List.of(
                Map.of("rule_id", "a", "field", "x", "check", "not_null", "extra", 1),
                Map.of("rule_id", "a", "field", "x", "check", "nope"))));
        assertThat(keysToMessages(e)).containsOnlyKeys("rules[0].extra", "rules[1].check", "rules[1].rule_id");
    }

    @Test
    void validateListsEveryProblemOfOneRule() {
        assertThat(QualityRules.validate(rule("ok", "pattern", "email", "regex", "^.+@.+$"))).isEmpty();
        List<ConfigError> errors = QualityRules.validate(new QualityRule(null, null, null, null, null, null, "loud", "shout"));
        assertThat(errors).extracting(ConfigError::key).containsExactlyInAnyOrder("rule_id", "severity", "action", "check");
        assertThat(QualityRules.validate(rule("f", "freshness", null, "max_age_seconds", -1)))
                .extracting(ConfigError::key, ConfigError::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("parameters.max_age_seconds", "expected a number greater than 0"));
        assertThat(QualityRules.validate(rule("v", "allowed_values", "s", "values", List.of())))
                .extracting(ConfigError::key).containsExactly("parameters.values");
    }

    @Test
    void theRecordFillsDefaultsAndAcceptsCaseInsensitiveNames() {
        QualityRule r = new QualityRule("r", " ", null, "", "NOT_NULL", null, null, null);
        assertThat(r.name()).isEqualTo("r");
        assertThat(r.target()).isEqualTo("all");
        assertThat(r.targetsAll()).isTrue();
        assertThat(r.field()).isNull();
        assertThat(r.parameters()).isEmpty();
        assertThat(r.severity()).isEqualTo("error");
        assertThat(r.action()).isEqualTo("warn");
        assertThat(QualityRules.validate(rule("r", "Not_Null", "x").withSeverity("WARNING").withAction("Dead_Letter"))).isEmpty();
    }
}
