package io.etlcdc.core.spi;

/**
 * Creates {@link ExpressionEngine}s; {@link #identifier()} names the language ({@code jinja2}).
 * Register in {@code META-INF/services/io.etlcdc.core.spi.ExpressionEngineProvider}.
 */
public interface ExpressionEngineProvider extends Provider {

    ExpressionEngine create(ProviderContext context);
}
