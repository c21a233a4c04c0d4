package io.etlcdc.core.spi;

/** Creates {@link StateStore}s. Register in {@code META-INF/services/io.etlcdc.core.spi.StateStoreProvider}. */
public interface StateStoreProvider extends Provider {

    StateStore create(ProviderContext context);
}
