package io.etlcdc.core.connectors;

import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceProvider;

/** Type {@code memory}: an empty {@link MemorySource} to be fed from code. */
public final class MemorySourceProvider implements SourceProvider {
    @Override
    public String identifier() {
        return "memory";
    }

    @Override
    public String description() {
        return "In-memory source fed from code (tests, embedding)";
    }

    @Override
    public Source create(ProviderContext context) {
        return new MemorySource();
    }
}
