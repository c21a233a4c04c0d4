package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.spi.ExpressionEngine;
import io.etlcdc.quality.CheckType;

/**
 * Fails when a boolean expression (Jinja2, e.g. {@code {{ amount > 0 }}}) is not truthy for the
 * record; the record's columns are the expression's variables. An expression that raises an error
 * fails the check with the error as the reason. Compiled once by the expression engine.
 */
@Internal
public final class ExpressionCheck extends Check {
    private final String source;
    private final ExpressionEngine.CompiledExpression expression;

    public ExpressionCheck(String source, ExpressionEngine.CompiledExpression expression) {
        super(CheckType.EXPRESSION);
        this.source = source;
        this.expression = expression;
    }

    @Override
    public String test(Object value, Evaluation ctx) {
        try {
            return expression.test(ctx.row()) ? null : "expression " + source + " is false";
        } catch (RuntimeException e) {
            return "expression " + source + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    @Override
    public boolean checksNull() {
        return true;
    }
}
