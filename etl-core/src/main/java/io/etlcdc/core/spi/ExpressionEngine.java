package io.etlcdc.core.spi;

import java.util.Map;

/**
 * Evaluates user expressions (Jinja2 templates) for modules that need them without depending on the
 * transform module, e.g. the quality module's {@code expression} check. Implementations are sandboxed
 * and thread-safe; found through {@link ExpressionEngineProvider}.
 */
public interface ExpressionEngine {

    /**
     * Parses and compiles once.
     *
     * @throws io.etlcdc.core.error.EtlException with the line, column and reason when the expression is invalid
     */
    CompiledExpression compile(String expression);

    /** A compiled expression; thread-safe, reusable for every record. */
    interface CompiledExpression {

        /** The value the expression renders to, typed (number, boolean, string, list, map or null). */
        Object evaluate(Map<String, Object> variables);

        /** Whether the value is truthy in Jinja2's sense. */
        boolean test(Map<String, Object> variables);
    }
}
