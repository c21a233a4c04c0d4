package io.etlcdc.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One problem with a rule definition.
 *
 * @param field   the rule field at fault ({@code rule_type}, {@code expression}, ...)
 * @param line    1-based line in the expression, or null when not about the expression text
 * @param column  1-based column in the expression, or null
 * @param message what is wrong and what was expected
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleError(@JsonProperty("field") String field, @JsonProperty("line") Integer line,
                        @JsonProperty("column") Integer column, @JsonProperty("message") String message) {

    static RuleError of(String field, String message) {
        return new RuleError(field, null, null, message);
    }

    @Override
    public String toString() {
        return "'" + field + "'" + (line == null ? "" : " (line " + line + ", column " + column + ")") + ": " + message;
    }
}
