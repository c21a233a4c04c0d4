package io.etlcdc.transform;

import io.etlcdc.core.spi.ExpressionEngine;
import io.etlcdc.core.spi.ExpressionEngineProvider;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.transform.expr.JinjaEngine;

/**
 * The {@code jinja2} expression language for other modules (e.g. the quality module's
 * {@code expression} check): sandboxed Jinja2 with Python semantics and the
 * {@code TransformFunction}s found through the context's class loader.
 */
public final class Jinja2ExpressionEngineProvider implements ExpressionEngineProvider {

    @Override
    public String identifier() {
        return "jinja2";
    }

    @Override
    public String description() {
        return "Sandboxed Jinja2 templates with Python Jinja2 semantics, compiled to Java closures";
    }

    @Override
    public ExpressionEngine create(ProviderContext context) {
        return JinjaEngine.builder().loadFunctions(context.classLoader()).build();
    }
}
