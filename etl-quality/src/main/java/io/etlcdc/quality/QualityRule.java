package io.etlcdc.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.etlcdc.core.annotation.PublicEvolving;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One data quality rule as users write it in {@code config/quality.yaml} or post to
 * {@code POST /api/v1/quality/add-rule}. The JSON/YAML names are the API: {@code rule_id},
 * {@code name}, {@code target}, {@code field}, {@code check}, {@code parameters}, {@code severity},
 * {@code action}.
 *
 * <p>The record holds the values as given so that every problem can be reported at once:
 * construction never fails on bad values; {@link QualityRules#validate} (and every method that
 * installs a rule) reports them, each naming the bad part. Absent optional values get their
 * defaults here: {@code name} = {@code rule_id}, {@code target} = {@code all},
 * {@code parameters} = empty, {@code severity} = {@code error}, {@code action} = {@code warn}.
 * Immutable and thread-safe.
 *
 * @param ruleId     unique id: letters, digits, {@code _}, {@code -}, {@code .}
 * @param name       readable name
 * @param target     which records the rule checks: {@code all}, a source id ({@code postgres_main})
 *                   or an asset {@code <source_id>_<table>} ({@code postgres_main_users})
 * @param field      the column checked; a dotted path ({@code address.city}) reaches into nested
 *                   documents; optional for {@code freshness} and {@code expression}
 * @param check      one of {@link CheckType}'s names ({@code not_null}, {@code type}, {@code range},
 *                   {@code pattern}, {@code allowed_values}, {@code unique}, {@code freshness},
 *                   {@code expression})
 * @param parameters the check's parameters (see the module README), read-only
 * @param severity   {@code warning} or {@code error}
 * @param action     what happens to a record failing the rule: {@code warn}, {@code drop},
 *                   {@code dead_letter} or {@code fail}
 */
@PublicEvolving
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"rule_id", "name", "target", "field", "check", "parameters", "severity", "action"})
public record QualityRule(
        @JsonProperty("rule_id") String ruleId,
        @JsonProperty("name") String name,
        @JsonProperty("target") String target,
        @JsonProperty("field") String field,
        @JsonProperty("check") String check,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("severity") String severity,
        @JsonProperty("action") String action) {

    /** The target that matches every record. */
    public static final String ALL = "all";

    public QualityRule {
        name = name == null || name.isBlank() ? ruleId : name;
        target = target == null || target.isBlank() ? ALL : target.trim();
        field = field == null || field.isBlank() ? null : field;
        // a copy that keeps null values (Map.copyOf refuses them) so that validation can name them
        parameters = parameters == null || parameters.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        severity = severity == null ? Severity.ERROR.apiName() : severity;
        action = action == null ? Action.WARN.apiName() : action;
    }

    /** A rule with the default name, severity {@code error} and action {@code warn}. */
    public static QualityRule of(String ruleId, String target, String field, String check, Map<String, Object> parameters) {
        return new QualityRule(ruleId, null, target, field, check, parameters, null, null);
    }

    public QualityRule withSeverity(String value) {
        return new QualityRule(ruleId, name, target, field, check, parameters, value, action);
    }

    public QualityRule withAction(String value) {
        return new QualityRule(ruleId, name, target, field, check, parameters, severity, value);
    }

    public QualityRule withTarget(String value) {
        return new QualityRule(ruleId, name, value, field, check, parameters, severity, action);
    }

    /** True when the rule applies to every record. */
    public boolean targetsAll() {
        return ALL.equalsIgnoreCase(target);
    }
}
