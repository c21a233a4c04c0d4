package io.etlcdc.quality.support;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ExpressionEngine;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test-only expression engine for a tiny subset of Jinja2: {@code {{ name }}} (truthiness) and
 * {@code {{ name OP literal }}} with OP one of {@code > >= < <= == !=} and a number or a quoted text.
 * Comparing null with a number raises an error, as Jinja2 (Python) does. It lets the quality module test
 * its expression check without depending on etl-transform.
 */
public final class MiniExpressionEngine implements ExpressionEngine {
    private static final Pattern FORM = Pattern.compile(
            "\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:(>=|<=|==|!=|>|<)\\s*(-?\\d+(?:\\.\\d+)?|'[^']*'|\"[^\"]*\"))?\\s*}}");

    @Override
    public CompiledExpression compile(String expression) {
        Matcher m = FORM.matcher(expression.trim());
        if (!m.matches()) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "line 1, column 1: cannot parse '" + expression
                    + "'; the test engine understands {{ name }} and {{ name OP literal }}");
        }
        String name = m.group(1);
        String op = m.group(2);
        String literal = m.group(3);
        Object constant = literal == null ? null
                : literal.startsWith("'") || literal.startsWith("\"") ? literal.substring(1, literal.length() - 1)
                : new BigDecimal(literal);
        return new CompiledExpression() {
            @Override
            public Object evaluate(Map<String, Object> variables) {
                Object value = variables.get(name);
                if (op == null) {
                    return value;
                }
                if (constant instanceof BigDecimal c) {
                    if (!(value instanceof Number n)) {
                        throw new IllegalArgumentException("'" + op + "' not supported between " + (value == null ? "None" : value.getClass().getSimpleName()) + " and number");
                    }
                    int cmp = new BigDecimal(n.toString()).compareTo(c);
                    return switch (op) {
                        case ">" -> cmp > 0;
                        case ">=" -> cmp >= 0;
                        case "<" -> cmp < 0;
                        case "<=" -> cmp <= 0;
                        case "==" -> cmp == 0;
                        default -> cmp != 0;
                    };
                }
                boolean equal = Objects.equals(value, constant);
                return switch (op) {
                    case "==" -> equal;
                    case "!=" -> !equal;
                    default -> throw new IllegalArgumentException("'" + op + "' is not supported for texts by the test engine");
                };
            }

            @Override
            public boolean test(Map<String, Object> variables) {
                Object v = evaluate(variables);
                if (v instanceof Boolean b) {
                    return b;
                }
                if (v instanceof Number n) {
                    return n.doubleValue() != 0;
                }
                if (v instanceof CharSequence s) {
                    return s.length() > 0;
                }
                return v != null;
            }
        };
    }
}
