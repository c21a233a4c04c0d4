package io.etlcdc.core.connectors;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkProvider;

import java.nio.file.Path;
import java.util.Set;

/**
 * Type {@code file}: {@link JsonLinesFileSink}.
 * <pre>{@code
 * - id: archive
 *   type: file
 *   config: { path: ./data/out/events.jsonl, rotate_bytes: 268435456, fsync: true }
 * }</pre>
 */
public final class JsonLinesFileSinkProvider implements SinkProvider {
    public static final ConfigOption<String> PATH = ConfigOptions.key("path").stringType().noDefaultValue()
            .withValidator(Validator.notBlank())
            .withDescription("file to append JSON lines to, e.g. ./data/out/events.jsonl");
    public static final ConfigOption<Long> ROTATE_BYTES = ConfigOptions.key("rotate_bytes").longType()
            .defaultValue(JsonLinesFileSink.DEFAULT_ROTATE_BYTES).withValidator(Validator.positive())
            .withDescription("rotate the file when it reaches this size");
    public static final ConfigOption<Boolean> FSYNC = ConfigOptions.key("fsync").booleanType().defaultValue(true)
            .withDescription("force each batch to disk before acknowledging it");
    /** Accepted for symmetry with the other sinks; the file sink writes whole pipeline batches. */
    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("batch_size").intType().defaultValue(1000)
            .withValidator(Validator.positive()).withDescription("ignored: the file sink writes whole pipeline batches");

    @Override
    public String identifier() {
        return "file";
    }

    @Override
    public String description() {
        return "JSON lines file, fsynced per batch, rotated by size";
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PATH);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(ROTATE_BYTES, FSYNC, BATCH_SIZE);
    }

    @Override
    public Sink create(ProviderContext context) {
        return new JsonLinesFileSink(Path.of(context.config().get(PATH)), context.config().get(ROTATE_BYTES),
                context.config().get(FSYNC));
    }
}
