package io.etlcdc.connect.sink;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.json.EtlJson;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of the product's sink connectors. The sink itself is described as in
 * {@code config/connectors.yaml}: {@code sink.id}, {@code connection.string} and {@code sink.config} (the
 * definition's {@code config} block as a JSON object), so that the same definition works embedded and
 * in Connect. Secrets ({@code connection.string}, {@code state.database.url}) are Connect passwords:
 * the worker masks them in its REST answers and logs.
 */
public final class SinkTaskConfig extends AbstractConfig {
    public static final String SINK_ID = "sink.id";
    public static final String CONNECTION_STRING = "connection.string";
    public static final String SINK_CONFIG = "sink.config";
    public static final String SOURCE_ID = "source.id";
    public static final String BATCH_SIZE = "batch.size";
    public static final String STATE_DATABASE_URL = "state.database.url";
    public static final String LINEAGE_ENABLED = "lineage.enabled";
    public static final String AUDIT_ENABLED = "audit.enabled";
    public static final String SCHEMA_REGISTER = "schema.register";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(SINK_ID, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), ConfigDef.Importance.HIGH,
                    "The sink's id, as in config/connectors.yaml: names it in lineage (<sink.id>_<table>), audit and dead letters.")
            .define(CONNECTION_STRING, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH,
                    "The sink's connection_string, e.g. postgresql://user:pass@host:5432/warehouse (jdbc); none for file.")
            .define(SINK_CONFIG, ConfigDef.Type.STRING, "{}", ConfigDef.Importance.HIGH,
                    "The sink definition's config block as a JSON object, e.g. {\"table_prefix\": \"\", \"batch_size\": 1000}.")
            .define(SOURCE_ID, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                    "The source id events get; default: the envelope's source.name (Debezium's topic.prefix).")
            .define(BATCH_SIZE, ConfigDef.Type.INT, 2000, ConfigDef.Range.between(1, 1_000_000), ConfigDef.Importance.MEDIUM,
                    "Events written to the sink per batch; the rest is written when Connect commits offsets.")
            .define(STATE_DATABASE_URL, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.MEDIUM,
                    "The shared state database (the server's DATABASE_URL, postgresql://user:pass@host:5432/etl): lineage "
                            + "and audit are recorded there. Unset: nothing is recorded.")
            .define(LINEAGE_ENABLED, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.LOW,
                    "Record lineage (assets, column mappings, flow counts) into the state database once per batch.")
            .define(AUDIT_ENABLED, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.LOW,
                    "Append task start, stop and failure to the audit trail in the state database.")
            .define(SCHEMA_REGISTER, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.LOW,
                    "Register each captured table's schema (subject <source_id>_<table>, columns the rules add left out) in the "
                            + "state database's schema registry when first seen and when it changes; a change the subject's "
                            + "compatibility mode refuses fails the task, as the embedded 'evolve' policy fails the source.");

    public SinkTaskConfig(Map<?, ?> originals) {
        super(CONFIG_DEF, originals, false);
    }

    public String sinkId() {
        return getString(SINK_ID);
    }

    /** The sink definition of the given type, as the embedded pipeline would read it. */
    public ConnectorDefinition definition(String type) {
        Password cs = getPassword(CONNECTION_STRING);
        return new ConnectorDefinition(sinkId(), type, cs == null ? null : cs.value(), sinkOptions());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> sinkOptions() {
        String text = getString(SINK_CONFIG);
        if (text == null || text.isBlank()) {
            return Map.of();
        }
        try {
            Object parsed = EtlJson.mapper().readValue(text, Object.class);
            if (!(parsed instanceof Map)) {
                throw new ConfigException(SINK_CONFIG, text, "expected a JSON object of the sink's options");
            }
            return new LinkedHashMap<>((Map<String, Object>) parsed);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(SINK_CONFIG, text, "expected a JSON object of the sink's options: " + e.getOriginalMessage());
        }
    }

    public String sourceId() {
        return getString(SOURCE_ID);
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    /** The state database URL, or null. */
    public String stateDatabaseUrl() {
        Password p = getPassword(STATE_DATABASE_URL);
        return p == null || p.value() == null || p.value().isBlank() ? null : p.value();
    }

    public boolean lineageEnabled() {
        return getBoolean(LINEAGE_ENABLED);
    }

    public boolean auditEnabled() {
        return getBoolean(AUDIT_ENABLED);
    }

    public boolean schemaRegister() {
        return getBoolean(SCHEMA_REGISTER);
    }
}
