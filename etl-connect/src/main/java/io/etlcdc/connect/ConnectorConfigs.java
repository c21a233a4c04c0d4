package io.etlcdc.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.json.EtlJson;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The connector configurations that run one of the product's pipelines on Kafka Connect, built from the
 * same definitions the embedded pipeline uses: the server's Connect mode deploys them, and the docs show
 * them. Plain Java (no Kafka types), so that callers need not have Connect on their class path.
 * Stateless and thread-safe.
 */
public final class ConnectorConfigs {
    /** Connector name prefix of deployed sources: {@code etl-source-<source id>}. */
    public static final String SOURCE_PREFIX = "etl-source-";
    /** Connector name prefix of deployed sinks: {@code etl-sink-<sink id>}. */
    public static final String SINK_PREFIX = "etl-sink-";
    /** Dead-letter topic prefix: {@code etl-dlq-<sink id>}. */
    public static final String DLQ_PREFIX = "etl-dlq-";

    public static final String RULES_TRANSFORMATION = "io.etlcdc.transform.connect.RuleTransformation$Value";
    public static final String QUALITY_TRANSFORMATION = "io.etlcdc.connect.quality.QualityGateTransformation$Value";
    public static final String JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";

    /** Sink types that have a connector, and its class. */
    private static final Map<String, String> SINK_CONNECTORS = Map.of(
            "jdbc", "io.etlcdc.connect.sink.JdbcSinkConnector",
            "file", "io.etlcdc.connect.sink.FileSinkConnector");

    private ConnectorConfigs() {}

    /**
     * Deployment choices that are not part of the pipeline's definitions.
     *
     * @param sinkTasks         {@code tasks.max} of each sink connector
     * @param topicPartitions   partitions of the change topics the source connectors create
     * @param replicationFactor replication of the change and dead-letter topics; -1 for the broker default
     * @param exactlyOnceSource ask for exactly-once source delivery (KIP-618; the workers need
     *                          {@code exactly.once.source.support=enabled})
     */
    public record Options(int sinkTasks, int topicPartitions, short replicationFactor, boolean exactlyOnceSource) {
        public static Options defaults() {
            return new Options(2, 3, (short) -1, true);
        }
    }

    public static String sourceConnectorName(String sourceId) {
        return SOURCE_PREFIX + sourceId;
    }

    public static String sinkConnectorName(String sinkId) {
        return SINK_PREFIX + sinkId;
    }

    /** Whether a sink type can run on Connect. */
    public static Optional<String> sinkConnectorClass(String sinkType) {
        return Optional.ofNullable(SINK_CONNECTORS.get(sinkType));
    }

    /**
     * A source connector's configuration: the source type's own Debezium properties (from
     * {@code SourceProvider.kafkaConnectConfig}) plus JSON with schemas on the wire, topic creation and,
     * when asked, exactly-once delivery with one transaction per poll.
     */
    public static Map<String, String> source(Map<String, String> debezium, Options options) {
        Map<String, String> c = new LinkedHashMap<>(debezium);
        c.put("tasks.max", "1");
        c.put("key.converter", JSON_CONVERTER);
        c.put("key.converter.schemas.enable", "true");
        c.put("value.converter", JSON_CONVERTER);
        c.put("value.converter.schemas.enable", "true");
        c.put("topic.creation.default.partitions", Integer.toString(options.topicPartitions()));
        c.put("topic.creation.default.replication.factor", Short.toString(options.replicationFactor()));
        if (options.exactlyOnceSource()) {
            c.put("exactly.once.support", "requested");
            c.put("transaction.boundary", "poll");
        }
        return c;
    }

    /** The change topics of a source's tables: {@code <source id>.<schema>.<table>} ({@code public} when the table has no schema). */
    public static List<String> topics(String sourceId, List<String> tables) {
        return tables.stream().map(t -> sourceId + "." + (t.indexOf('.') < 0 ? "public." + t.trim() : t.trim())).toList();
    }

    /**
     * A sink connector's configuration: the product sink, the rule and quality transformations with the
     * current rules, the dead-letter queue with context headers, and the state database for lineage and
     * audit.
     *
     * @param sink             the sink definition, as in {@code config/connectors.yaml}
     * @param topics           the change topics it reads
     * @param rulesYaml        the transformation rules ({@code rules:} list, YAML or JSON)
     * @param qualityYaml      the quality rules ({@code rules:} list, YAML or JSON)
     * @param stateDatabaseUrl the server's {@code DATABASE_URL}, or null
     * @throws EtlException {@link ErrorCode#CONFIG_INVALID} when the sink type has no connector
     */
    public static Map<String, String> sink(ConnectorDefinition sink, List<String> topics, String rulesYaml, String qualityYaml,
                                           String stateDatabaseUrl, Options options) {
        Objects.requireNonNull(sink, "sink");
        String connector = sinkConnectorClass(sink.type()).orElseThrow(() -> new EtlException(ErrorCode.CONFIG_INVALID,
                "sink '" + sink.id() + "' of type '" + sink.type() + "' cannot run on Kafka Connect; types that can: "
                        + SINK_CONNECTORS.keySet().stream().sorted().collect(Collectors.joining(", "))));
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", connector);
        c.put("tasks.max", Integer.toString(options.sinkTasks()));
        c.put("topics", String.join(",", topics));
        c.put("key.converter", JSON_CONVERTER);
        c.put("key.converter.schemas.enable", "true");
        c.put("value.converter", JSON_CONVERTER);
        c.put("value.converter.schemas.enable", "true");
        c.put("sink.id", sink.id());
        if (sink.connectionString() != null) {
            c.put("connection.string", sink.connectionString());
        }
        c.put("sink.config", json(sink.config()));
        c.put("transforms", "rules,quality");
        c.put("transforms.rules.type", RULES_TRANSFORMATION);
        c.put("transforms.rules.rules", rulesYaml == null || rulesYaml.isBlank() ? "rules: []" : rulesYaml);
        c.put("transforms.quality.type", QUALITY_TRANSFORMATION);
        c.put("transforms.quality.rules", qualityYaml == null || qualityYaml.isBlank() ? "rules: []" : qualityYaml);
        c.put("errors.tolerance", "all");
        c.put("errors.log.enable", "true");
        c.put("errors.deadletterqueue.topic.name", DLQ_PREFIX + sink.id());
        c.put("errors.deadletterqueue.topic.replication.factor", Short.toString(options.replicationFactor()));
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        if (stateDatabaseUrl != null && !stateDatabaseUrl.isBlank()) {
            c.put("state.database.url", stateDatabaseUrl);
        }
        return c;
    }

    /** Rules as the JSON text the transformations read: {@code {"rules": [...]}}. */
    public static String rulesJson(List<?> rules) {
        return json(Map.of("rules", rules));
    }

    private static String json(Object value) {
        try {
            return EtlJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new EtlException(ErrorCode.INTERNAL, "cannot write connector configuration as JSON: " + e.getMessage(), e);
        }
    }
}
