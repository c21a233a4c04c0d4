package io.etlcdc.sink.kafka;

import io.etlcdc.core.config.Secrets;

import java.util.Map;
import java.util.Objects;

/**
 * The resolved settings of one {@link KafkaSink}, built by {@link KafkaSinkProvider}. Immutable;
 * {@link #toString()} masks secret-looking client properties.
 *
 * @param sinkId             the sink's id, named in errors and client ids
 * @param bootstrapServers   {@code host:port[,host:port...]}
 * @param topicPrefix        topics are {@code <topicPrefix><source_id>.<table>}
 * @param transactionalId    when set, each batch is one Kafka transaction with this id (consumers use
 *                           {@code isolation.level=read_committed}); null for idempotent writes without transactions
 * @param createTopics       create a missing topic with {@code topicPartitions} partitions before the first write
 * @param topicPartitions    partitions of created topics
 * @param replicationFactor  replication factor of created topics; -1 for the broker's default
 * @param ddlEvents          publish DDL events on the table's topic (false drops them)
 * @param clientProperties   extra Kafka client properties ({@code kafka.*} options without the prefix)
 */
public record KafkaSinkSettings(
        String sinkId,
        String bootstrapServers,
        String topicPrefix,
        String transactionalId,
        boolean createTopics,
        int topicPartitions,
        short replicationFactor,
        boolean ddlEvents,
        Map<String, String> clientProperties) {

    public KafkaSinkSettings {
        Objects.requireNonNull(sinkId, "sinkId");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        topicPrefix = topicPrefix == null ? "" : topicPrefix;
        transactionalId = transactionalId == null || transactionalId.isBlank() ? null : transactionalId;
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
        if (topicPartitions < 1) {
            throw new IllegalArgumentException("topicPartitions must be >= 1, got " + topicPartitions);
        }
    }

    /** Defaults: no prefix, no transactions, topics created with 1 partition, DDL published. */
    public static KafkaSinkSettings defaults(String sinkId, String bootstrapServers) {
        return new KafkaSinkSettings(sinkId, bootstrapServers, "", null, true, 1, (short) -1, true, Map.of());
    }

    public KafkaSinkSettings withTopicPrefix(String prefix) {
        return new KafkaSinkSettings(sinkId, bootstrapServers, prefix, transactionalId, createTopics, topicPartitions,
                replicationFactor, ddlEvents, clientProperties);
    }

    public KafkaSinkSettings withTransactionalId(String id) {
        return new KafkaSinkSettings(sinkId, bootstrapServers, topicPrefix, id, createTopics, topicPartitions,
                replicationFactor, ddlEvents, clientProperties);
    }

    public KafkaSinkSettings withTopicPartitions(int partitions) {
        return new KafkaSinkSettings(sinkId, bootstrapServers, topicPrefix, transactionalId, createTopics, partitions,
                replicationFactor, ddlEvents, clientProperties);
    }

    public KafkaSinkSettings withClientProperties(Map<String, String> props) {
        return new KafkaSinkSettings(sinkId, bootstrapServers, topicPrefix, transactionalId, createTopics, topicPartitions,
                replicationFactor, ddlEvents, props);
    }

    @Override
    public String toString() {
        return "KafkaSinkSettings[sinkId=" + sinkId + ", bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix
                + ", transactionalId=" + transactionalId + ", createTopics=" + createTopics + ", topicPartitions=" + topicPartitions
                + ", replicationFactor=" + replicationFactor + ", ddlEvents=" + ddlEvents
                + ", clientProperties=" + Secrets.maskValues(clientProperties) + "]";
    }
}
