package io.etlcdc.server.plugins;

import io.etlcdc.core.spi.ExpressionEngineProvider;
import io.etlcdc.core.spi.Provider;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.SinkProvider;
import io.etlcdc.core.spi.SourceProvider;
import io.etlcdc.core.spi.TransformProvider;

import java.util.List;

/**
 * Every provider the server can use: those on its own class path and those of each plugin. Built
 * once at start.
 */
public final class Registries {
    private final ProviderRegistry<SourceProvider> sources;
    private final ProviderRegistry<SinkProvider> sinks;
    private final ProviderRegistry<TransformProvider> transforms;
    private final ProviderRegistry<ExpressionEngineProvider> expressionEngines;
    private final List<PluginClassLoader> plugins;

    private Registries(ClassLoader app, List<PluginClassLoader> plugins) {
        this.plugins = List.copyOf(plugins);
        this.sources = load(SourceProvider.class, app, plugins);
        this.sinks = load(SinkProvider.class, app, plugins);
        this.transforms = load(TransformProvider.class, app, plugins);
        this.expressionEngines = load(ExpressionEngineProvider.class, app, plugins);
    }

    public static Registries of(ClassLoader app, List<PluginClassLoader> plugins) {
        return new Registries(app, plugins);
    }

    private static <P extends Provider> ProviderRegistry<P> load(Class<P> kind, ClassLoader app, List<PluginClassLoader> plugins) {
        ProviderRegistry<P> r = ProviderRegistry.load(kind, app);
        plugins.forEach(r::loadFrom);
        return r;
    }

    public ProviderRegistry<SourceProvider> sources() { return sources; }
    public ProviderRegistry<SinkProvider> sinks() { return sinks; }
    public ProviderRegistry<TransformProvider> transforms() { return transforms; }
    public ProviderRegistry<ExpressionEngineProvider> expressionEngines() { return expressionEngines; }
    public List<PluginClassLoader> plugins() { return plugins; }

    /** The class loader a provider's classes came from (a plugin's, or the server's). */
    public static ClassLoader classLoaderOf(Provider provider) {
        ClassLoader cl = provider.getClass().getClassLoader();
        return cl != null ? cl : ClassLoader.getSystemClassLoader();
    }
}
