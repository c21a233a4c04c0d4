package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ExpressionEngine;
import io.etlcdc.core.spi.ExpressionEngineProvider;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;

import java.util.Optional;

/**
 * Finds the expression engine for {@code expression} checks on first use: the one given explicitly,
 * or the {@link ExpressionEngineProvider} registered under the language name (default {@code jinja2},
 * shipped by etl-transform). Loading is lazy so that rule sets without expressions never need an
 * engine. Thread-safe.
 */
@Internal
public final class ExpressionEngines {
    /** The language the quality module evaluates by default. */
    public static final String DEFAULT_LANGUAGE = "jinja2";

    private final String language;
    private final ClassLoader classLoader;
    private volatile ExpressionEngine engine;
    private volatile String unavailable;

    private ExpressionEngines(String language, ClassLoader classLoader, ExpressionEngine engine) {
        this.language = language;
        this.classLoader = classLoader;
        this.engine = engine;
    }

    /** The given engine, always. */
    public static ExpressionEngines of(ExpressionEngine engine) {
        return new ExpressionEngines("(given)", null, engine);
    }

    /** The provider registered under {@code language}, found through {@code classLoader} when first needed. */
    public static ExpressionEngines lookup(String language, ClassLoader classLoader) {
        return new ExpressionEngines(language, classLoader, null);
    }

    public String language() {
        return language;
    }

    /** The engine, or empty when none is available ({@link #unavailableReason()} says why). */
    public Optional<ExpressionEngine> get() {
        ExpressionEngine e = engine;
        if (e != null || unavailable != null) {
            return Optional.ofNullable(e);
        }
        synchronized (this) {
            if (engine == null && unavailable == null) {
                load();
            }
            return Optional.ofNullable(engine);
        }
    }

    private void load() {
        try {
            ProviderRegistry<ExpressionEngineProvider> registry = ProviderRegistry.load(ExpressionEngineProvider.class, classLoader);
            Optional<ExpressionEngineProvider> provider = registry.find(language);
            if (provider.isEmpty()) {
                unavailable = "no expression engine for '" + language + "' is on the classpath (available: "
                        + (registry.identifiers().isEmpty() ? "none" : String.join(", ", registry.identifiers()))
                        + "); add etl-transform, which provides jinja2";
                return;
            }
            engine = provider.get().create(ProviderContext.builder("quality").classLoader(classLoader).build());
        } catch (EtlException | IllegalStateException e) {
            unavailable = "the expression engine '" + language + "' could not be loaded: " + e.getMessage();
        }
    }

    /** Why {@link #get()} is empty, or null. */
    public String unavailableReason() {
        get();
        return unavailable;
    }
}
