package io.etlcdc.transform;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;

import java.util.List;

/** A rule was refused; {@link #errors()} lists every problem at once. */
public class RuleValidationException extends EtlException {
    private static final long serialVersionUID = 1L;
    private final transient List<RuleError> errors;

    public RuleValidationException(String ruleId, List<RuleError> errors) {
        super(ErrorCode.CONFIG_INVALID, format(ruleId, errors));
        this.errors = List.copyOf(errors);
    }

    public List<RuleError> errors() {
        return errors;
    }

    private static String format(String ruleId, List<RuleError> errors) {
        StringBuilder sb = new StringBuilder("rule '").append(ruleId).append("' is invalid: ");
        if (errors.size() == 1) {
            return sb.append(errors.get(0)).toString();
        }
        sb.append(errors.size()).append(" errors:");
        errors.forEach(e -> sb.append("\n  - ").append(e));
        return sb.toString();
    }
}
