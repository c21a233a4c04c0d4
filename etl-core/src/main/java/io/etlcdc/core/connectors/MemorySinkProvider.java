package io.etlcdc.core.connectors;

import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkProvider;

/** Type {@code memory}: a {@link MemorySink}. */
public final class MemorySinkProvider implements SinkProvider {
    @Override
    public String identifier() {
        return "memory";
    }

    @Override
    public String description() {
        return "In-memory sink (tests, embedding)";
    }

    @Override
    public Sink create(ProviderContext context) {
        return new MemorySink();
    }
}
