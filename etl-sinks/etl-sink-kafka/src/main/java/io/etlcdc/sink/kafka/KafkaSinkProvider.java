package io.etlcdc.sink.kafka;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkProvider;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Type {@code kafka}: {@link KafkaSink}.
 * <pre>{@code
 * - id: events
 *   type: kafka
 *   config: { bootstrap_servers: localhost:9092, topic_prefix: "etl." }   # defaults to KAFKA_BOOTSTRAP_SERVERS
 * }</pre>
 * Raw Kafka producer properties pass through under {@code kafka.} (e.g. {@code kafka.compression.type: lz4});
 * the ones exactly-once depends on ({@code enable.idempotence}, {@code acks}, the serializers) are refused.
 * Stateless and thread-safe.
 */
public final class KafkaSinkProvider implements SinkProvider {
    /** The environment variable {@code bootstrap_servers} defaults to. */
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String CLIENT_PREFIX = "kafka.";

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("bootstrap_servers").stringType().noDefaultValue()
            .withValidator(Validator.notBlank())
            .withDescription("host:port[,host:port...] of the brokers; default: the KAFKA_BOOTSTRAP_SERVERS environment variable");
    public static final ConfigOption<String> TOPIC_PREFIX = ConfigOptions.key("topic_prefix").stringType().defaultValue("")
            .withDescription("topics are <topic_prefix><source_id>.<table>");
    public static final ConfigOption<String> TRANSACTIONAL_ID = ConfigOptions.key("transactional_id").stringType().noDefaultValue()
            .withValidator(Validator.notBlank())
            .withDescription("write each batch in one Kafka transaction with this id (unique per sink); consumers use read_committed");
    public static final ConfigOption<Boolean> CREATE_TOPICS = ConfigOptions.key("create_topics").booleanType().defaultValue(true)
            .withDescription("create a missing topic before the first write to it");
    public static final ConfigOption<Integer> TOPIC_PARTITIONS = ConfigOptions.key("topic_partitions").intType().defaultValue(1)
            .withValidator(Validator.range(1, 10_000)).withDescription("partitions of topics the sink creates");
    public static final ConfigOption<Integer> TOPIC_REPLICATION_FACTOR = ConfigOptions.key("topic_replication_factor").intType()
            .defaultValue(-1).withValidator(v -> v == null || v == -1 || (v >= 1 && v <= Short.MAX_VALUE) ? null
                    : "expected -1 (the broker's default) or a number from 1")
            .withDescription("replication factor of topics the sink creates; -1 for the broker's default");
    public static final ConfigOption<Boolean> DDL_EVENTS = ConfigOptions.key("ddl_events").booleanType().defaultValue(true)
            .withDescription("publish DDL events (op \"ddl\") on the table's topic");
    /** Accepted for symmetry with the other sinks: the producer batches by bytes and linger. */
    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("batch_size").intType().defaultValue(1000)
            .withValidator(Validator.positive()).withDescription("ignored: use kafka.batch.size / kafka.linger.ms to tune the producer");

    private static final Set<String> RESERVED = Set.of("enable.idempotence", "acks", "key.serializer", "value.serializer",
            "bootstrap.servers", "transactional.id");

    private final Function<String, String> env;

    public KafkaSinkProvider() {
        this(System::getenv);
    }

    KafkaSinkProvider(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public String identifier() {
        return "kafka";
    }

    @Override
    public String description() {
        return "Kafka topics per table, Debezium envelope, idempotent keyed producer, optional transactions";
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, TRANSACTIONAL_ID, CREATE_TOPICS, TOPIC_PARTITIONS,
                TOPIC_REPLICATION_FACTOR, DDL_EVENTS, BATCH_SIZE);
    }

    @Override
    public Set<String> passThroughPrefixes() {
        return Set.of(CLIENT_PREFIX);
    }

    @Override
    public List<ConfigError> validate(ConnectorDefinition definition) {
        List<ConfigError> errors = new ArrayList<>(SinkProvider.super.validate(definition));
        Configuration c = definition.configuration();
        if (!c.contains(BOOTSTRAP_SERVERS) && blank(env.apply(BOOTSTRAP_ENV))) {
            errors.add(new ConfigError(BOOTSTRAP_SERVERS.key(), null,
                    "is required when the " + BOOTSTRAP_ENV + " environment variable is not set, e.g. localhost:9092"));
        }
        c.withPrefix(CLIENT_PREFIX).keySet().stream().filter(RESERVED::contains).sorted().forEach(k -> errors.add(new ConfigError(
                CLIENT_PREFIX + k, null, "is set by the sink for exactly-once delivery and cannot be overridden"
                        + ("bootstrap.servers".equals(k) ? "; use bootstrap_servers" : "transactional.id".equals(k) ? "; use transactional_id" : ""))));
        return errors;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The settings a definition describes. */
    public KafkaSinkSettings settings(ProviderContext context) {
        List<ConfigError> errors = context.definition().map(this::validate).orElse(List.of());
        if (!errors.isEmpty()) {
            throw new ConfigException("sink '" + context.id() + "'", errors);
        }
        Configuration c = context.config();
        String bootstrap = c.getOptional(BOOTSTRAP_SERVERS).orElseGet(() -> env.apply(BOOTSTRAP_ENV));
        if (blank(bootstrap)) {
            throw new ConfigException(BOOTSTRAP_SERVERS.key(), null, "is required when " + BOOTSTRAP_ENV + " is not set");
        }
        Map<String, String> client = c.withPrefix(CLIENT_PREFIX);
        return new KafkaSinkSettings(context.id(), bootstrap.trim(), c.get(TOPIC_PREFIX), c.get(TRANSACTIONAL_ID),
                c.get(CREATE_TOPICS), c.get(TOPIC_PARTITIONS), c.get(TOPIC_REPLICATION_FACTOR).shortValue(), c.get(DDL_EVENTS), client);
    }

    @Override
    public Sink create(ProviderContext context) {
        return new KafkaSink(settings(context), context.clock());
    }

    /** Asks the cluster to describe itself within 10 seconds. */
    @Override
    public void checkConnection(ProviderContext context) {
        KafkaSinkSettings s = settings(context);
        Properties p = new Properties();
        s.clientProperties().forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                p.put(k, v);
            }
        });
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(p)) {
            int nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
            if (nodes == 0) {
                throw new EtlException(ErrorCode.CONNECTION_FAILED, "sink '" + s.sinkId() + "': Kafka at " + s.bootstrapServers()
                        + " reports no brokers");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "sink '" + s.sinkId() + "': interrupted while connecting", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | org.apache.kafka.common.KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "sink '" + s.sinkId() + "' cannot reach Kafka at "
                    + s.bootstrapServers() + ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), e);
        }
    }
}
