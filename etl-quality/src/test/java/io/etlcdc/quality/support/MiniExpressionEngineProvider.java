package io.etlcdc.quality.support;

import io.etlcdc.core.spi.ExpressionEngine;
import io.etlcdc.core.spi.ExpressionEngineProvider;
import io.etlcdc.core.spi.ProviderContext;

/**
 * Registers {@link MiniExpressionEngine} under {@code test-expr} (test META-INF/services). A name of its
 * own, so that it never clashes with the real {@code jinja2} provider when that is on the classpath.
 */
public final class MiniExpressionEngineProvider implements ExpressionEngineProvider {
    public static final String IDENTIFIER = "test-expr";

    @Override
    public String identifier() {
        return IDENTIFIER;
    }

    @Override
    public String description() {
        return "test-only subset of Jinja2 comparisons";
    }

    @Override
    public ExpressionEngine create(ProviderContext context) {
        return new MiniExpressionEngine();
    }
}
