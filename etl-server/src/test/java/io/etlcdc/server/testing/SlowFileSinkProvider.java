package io.etlcdc.server.testing;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.connectors.JsonLinesFileSink;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.ComponentHealth;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkContext;
import io.etlcdc.core.spi.SinkProvider;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Test sink type {@code test-slow-file}: the JSON-lines file sink taking {@code delay_ms} longer for
 * every batch, a slow warehouse for back-pressure tests.
 */
public final class SlowFileSinkProvider implements SinkProvider {
    static final ConfigOption<String> PATH = ConfigOptions.key("path").stringType().noDefaultValue().withValidator(Validator.notBlank());
    static final ConfigOption<Long> DELAY_MS = ConfigOptions.key("delay_ms").longType().defaultValue(1000L);

    @Override
    public String identifier() {
        return "test-slow-file";
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PATH);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(DELAY_MS);
    }

    @Override
    public Sink create(ProviderContext context) {
        JsonLinesFileSink file = new JsonLinesFileSink(Path.of(context.config().get(PATH)));
        long delay = context.config().get(DELAY_MS);
        return new Sink() {
            @Override
            public void open(SinkContext c) throws Exception {
                file.open(c);
            }

            @Override
            public void write(List<ChangeEvent> batch) throws Exception {
                Thread.sleep(delay);
                file.write(batch);
            }

            @Override
            public String assetName(String sinkId, String sourceId, String collection) {
                return file.assetName(sinkId, sourceId, collection);
            }

            @Override
            public ComponentHealth health() {
                return file.health();
            }

            @Override
            public void close() {
                file.close();
            }
        };
    }
}
