package io.etlcdc.server.testing;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkProvider;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test sink type {@code test-shared}: every sink named {@code name} appends to one list that tests
 * read, like replicas writing to one warehouse.
 */
public final class SharedSinkProvider implements SinkProvider {
    public static final Map<String, List<ChangeEvent>> WRITTEN = new ConcurrentHashMap<>();
    static final ConfigOption<String> NAME = ConfigOptions.key("name").stringType().defaultValue("default");

    @Override
    public String identifier() {
        return "test-shared";
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(NAME);
    }

    @Override
    public Sink create(ProviderContext context) {
        List<ChangeEvent> target = WRITTEN.computeIfAbsent(context.config().get(NAME), k -> new CopyOnWriteArrayList<>());
        return target::addAll;
    }
}
