package io.etlcdc.core.spi;

/** Creates {@link OffsetStore}s. Register in {@code META-INF/services/io.etlcdc.core.spi.OffsetStoreProvider}. */
public interface OffsetStoreProvider extends Provider {

    OffsetStore create(ProviderContext context);
}
