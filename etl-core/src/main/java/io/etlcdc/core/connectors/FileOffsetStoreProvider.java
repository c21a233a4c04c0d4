package io.etlcdc.core.connectors;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.spi.OffsetStore;
import io.etlcdc.core.spi.OffsetStoreProvider;
import io.etlcdc.core.spi.ProviderContext;

import java.util.Set;

/** Type {@code file}: {@link FileOffsetStore} at {@code path} (default {@code <data dir>/offsets.json}). */
public final class FileOffsetStoreProvider implements OffsetStoreProvider {
    public static final ConfigOption<String> PATH = ConfigOptions.key("path").stringType().noDefaultValue()
            .withDescription("offset file; default <data dir>/offsets.json");

    @Override
    public String identifier() {
        return "file";
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(PATH);
    }

    @Override
    public OffsetStore create(ProviderContext context) {
        return new FileOffsetStore(context.config().getOptional(PATH).map(java.nio.file.Path::of)
                .orElse(context.dataDir().resolve("offsets.json")));
    }
}
