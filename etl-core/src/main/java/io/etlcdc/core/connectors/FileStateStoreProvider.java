package io.etlcdc.core.connectors;

import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.StateStore;
import io.etlcdc.core.spi.StateStoreProvider;

/** Type {@code file}: {@link FileStateStore} under {@code <data dir>/state}. */
public final class FileStateStoreProvider implements StateStoreProvider {
    @Override
    public String identifier() {
        return "file";
    }

    @Override
    public StateStore create(ProviderContext context) {
        return new FileStateStore(context.dataDir().resolve("state"));
    }
}
