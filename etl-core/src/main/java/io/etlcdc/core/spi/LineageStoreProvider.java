package io.etlcdc.core.spi;

/** Creates {@link LineageStore}s. Register in {@code META-INF/services/io.etlcdc.core.spi.LineageStoreProvider}. */
public interface LineageStoreProvider extends Provider {

    LineageStore create(ProviderContext context);
}
