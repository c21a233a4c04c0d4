package io.etlcdc.transform;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One transformation rule exactly as the spec writes it (in {@code config/transformations.yaml}
 * under {@code rules:}, or as the body of {@code POST /api/v1/transformations}).
 *
 * @param ruleId       unique id, used in dead letters, metrics and lineage
 * @param name         a readable name
 * @param ruleType     {@code map}, {@code filter}, {@code aggregate}, {@code join}, or the identifier of a
 *                     user's {@link io.etlcdc.core.spi.TransformProvider}
 * @param sourceFields the fields the rule reads; a record lacking any of them is left unchanged
 * @param targetField  the field the rule writes (map, aggregate, join), else null
 * @param expression   a Jinja2 template (map, filter), else null
 * @param parameters   rule-type specific settings (aggregate {@code type}, join {@code table}/{@code key}, ...)
 * @param scope        the tables the rule applies to as {@code <source_id>}, {@code <source_id>_<table>}
 *                     or table names; empty means every table
 * @param order        rules run in ascending order, then in the order they were added; null counts as 0
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = false)
@JsonPropertyOrder({"rule_id", "name", "rule_type", "source_fields", "target_field", "expression", "parameters", "scope", "order"})
public record RuleDefinition(
        @JsonProperty("rule_id") String ruleId,
        @JsonProperty("name") String name,
        @JsonProperty("rule_type") String ruleType,
        @JsonProperty("source_fields") List<String> sourceFields,
        @JsonProperty("target_field") String targetField,
        @JsonProperty("expression") String expression,
        @JsonProperty("parameters") Map<String, Object> parameters,
        @JsonProperty("scope") List<String> scope,
        @JsonProperty("order") Integer order) {

    public RuleDefinition {
        sourceFields = sourceFields == null ? List.of() : Collections.unmodifiableList(new java.util.ArrayList<>(sourceFields));
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        scope = scope == null ? List.of() : List.copyOf(scope);
    }

    /** A rule with the spec's seven fields and no scope or order. */
    public static RuleDefinition of(String ruleId, String name, String ruleType, List<String> sourceFields,
                                    String targetField, String expression, Map<String, Object> parameters) {
        return new RuleDefinition(ruleId, name, ruleType, sourceFields, targetField, expression, parameters, null, null);
    }

    /** The order, 0 when unset. */
    public int orderOrZero() {
        return order == null ? 0 : order;
    }

    /** The rule as a map with the spec's field names (for {@link io.etlcdc.core.spi.ProviderContext#config()}). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule_id", ruleId);
        m.put("name", name);
        m.put("rule_type", ruleType);
        m.put("source_fields", sourceFields);
        m.put("target_field", targetField);
        m.put("expression", expression);
        m.put("parameters", parameters);
        m.put("scope", scope);
        m.put("order", order);
        return m;
    }
}
