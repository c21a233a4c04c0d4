package io.etlcdc.server.connect;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * How far a sink connector's consumer group is behind its topics: end offsets minus committed offsets,
 * summed over partitions, read with a Kafka admin client. Thread-safe.
 */
final class ConsumerLag implements AutoCloseable {
    /** Records not yet committed by the group, and records it committed; -1 when unknown. */
    record Figures(long lag, long committed) {}

    private final Admin admin;

    ConsumerLag(String bootstrapServers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "etl-server-lag");
        this.admin = Admin.create(p);
    }

    Figures of(String groupId) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            if (committed.isEmpty()) {
                return new Figures(-1, 0);
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            long lag = 0;
            long done = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                long c = e.getValue() == null ? 0 : e.getValue().offset();
                done += c;
                ListOffsetsResult.ListOffsetsResultInfo end = ends.get(e.getKey());
                if (end != null) {
                    lag += Math.max(0, end.offset() - c);
                }
            }
            return new Figures(lag, done);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Figures(-1, 0);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
