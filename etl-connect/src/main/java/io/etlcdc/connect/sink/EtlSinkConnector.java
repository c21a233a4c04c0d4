package io.etlcdc.connect.sink;

import io.etlcdc.connect.Versions;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.SinkProvider;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A product sink (a {@link SinkProvider} type such as {@code jdbc} or {@code file}) as a Kafka Connect
 * sink connector. Each task converts Debezium change records into the product's change events and writes
 * them with the same sink class the embedded pipeline uses; see {@link EtlSinkTask} for delivery.
 *
 * <p>Configuration errors are reported per key, all at once, by {@link #validate} (Connect's
 * {@code PUT /connector-plugins/{class}/config/validate}): Connect's own checks plus the sink provider's
 * (unknown option, bad value, missing connection string).
 */
public abstract class EtlSinkConnector extends SinkConnector {
    /** Task option: the sink type (set by the connector). */
    static final String SINK_TYPE = "etl.sink.type";
    /** Task option: the sink option that is made per partition (file: {@code path}), or absent. */
    static final String PARTITIONED_OPTION = "etl.sink.partitioned.option";

    private Map<String, String> props = Map.of();

    /** The {@link SinkProvider} identifier this connector writes with, e.g. {@code jdbc}. */
    protected abstract String sinkType();

    /**
     * The option of the sink's definition that each topic partition gets its own value of (the file sink's
     * {@code path}: one file per partition, so that a partition moving to another task keeps its
     * exactly-once file), or null when all partitions share one sink (jdbc).
     */
    protected String partitionedOption() {
        return null;
    }

    @Override
    public void start(Map<String, String> properties) {
        SinkTaskConfig config = new SinkTaskConfig(properties);
        List<ConfigError> errors = providerErrors(config);
        if (!errors.isEmpty()) {
            throw new org.apache.kafka.common.config.ConfigException(errors.get(0).key(), errors.get(0).value(),
                    errors.size() == 1 ? errors.get(0).message() : errors.toString());
        }
        this.props = Map.copyOf(properties);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return EtlSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(SINK_TYPE, sinkType());
            if (partitionedOption() != null) {
                task.put(PARTITIONED_OPTION, partitionedOption());
            }
            out.add(task);
        }
        return out;
    }

    @Override
    public void stop() {
        props = Map.of();
    }

    @Override
    public ConfigDef config() {
        return SinkTaskConfig.CONFIG_DEF;
    }

    /** Connect's checks, then the sink provider's, each error on the Connect option it comes from. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        boolean connectFound = config.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty());
        if (connectFound) {
            return config;
        }
        Map<String, ConfigValue> byName = new HashMap<>();
        config.configValues().forEach(v -> byName.put(v.name(), v));
        try {
            for (ConfigError e : providerErrors(new SinkTaskConfig(connectorConfigs))) {
                String option = e.key().equals("connection_string") ? SinkTaskConfig.CONNECTION_STRING : SinkTaskConfig.SINK_CONFIG;
                ConfigValue value = byName.get(option);
                if (value != null) {
                    value.addErrorMessage((option.equals(SinkTaskConfig.SINK_CONFIG) ? e.toString() : e.message()));
                }
            }
        } catch (org.apache.kafka.common.config.ConfigException e) {
            ConfigValue value = byName.get(SinkTaskConfig.SINK_CONFIG);
            if (value != null) {
                value.addErrorMessage(e.getMessage());
            }
        }
        return config;
    }

    private List<ConfigError> providerErrors(SinkTaskConfig config) {
        SinkProvider provider = ProviderRegistry.load(SinkProvider.class, EtlSinkConnector.class.getClassLoader()).get(sinkType());
        return provider.validate(config.definition(sinkType()));
    }

    @Override
    public String version() {
        return Versions.version();
    }
}
