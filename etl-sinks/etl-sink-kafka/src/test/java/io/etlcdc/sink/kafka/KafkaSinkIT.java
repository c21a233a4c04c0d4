package io.etlcdc.sink.kafka;

import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.testing.SinkContractTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;

/** The kafka sink against a real single-node KRaft broker running in this JVM. */
class KafkaSinkIT extends SinkContractTest {
    private static final AtomicInteger TEST_NO = new AtomicInteger();
    private static KafkaClusterTestKit cluster;
    private String prefix;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void freshTopics() {
        prefix = "t" + TEST_NO.incrementAndGet() + ".";
        deadLetters.clear();
    }

    private KafkaSinkSettings settings() {
        return KafkaSinkSettings.defaults("events", cluster.bootstrapServers()).withTopicPrefix(prefix);
    }

    @Override
    protected Sink newSink() {
        return new KafkaSink(settings());
    }

    private KafkaSink open(KafkaSinkSettings s) {
        KafkaSink sink = new KafkaSink(s);
        sink.open(context("events"));
        return sink;
    }

    /** Replays the topic's envelopes into a table, as a Debezium consumer would. */
    @Override
    protected Map<Object, Map<String, Object>> rows() {
        Map<Object, Map<String, Object>> rows = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records(prefix + "src.users")) {
            Map<String, Object> value = json(r.value());
            switch ((String) value.get("op")) {
                case "d" -> rows.remove(((Number) json(r.key()).get("id")).longValue());
                case "t" -> rows.clear();
                case "c", "r", "u" -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> after = new LinkedHashMap<>((Map<String, Object>) value.get("after"));
                    after.put("id", ((Number) after.get("id")).longValue());
                    rows.put(after.get("id"), after);
                }
                default -> { }
            }
        }
        return rows;
    }

    private static Map<String, Object> json(byte[] bytes) {
        try {
            return EtlJson.mapper().readValue(bytes, new TypeReference<Map<String, Object>>() { });
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Every committed record of a topic, in partition then offset order. */
    private static List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return out;
            }
            List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition())).sorted(
                    java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        out.sort(java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    private static List<ChangeEvent> changes(long from, long to, int keys) {
        List<ChangeEvent> out = new ArrayList<>();
        for (long pos = from; pos <= to; pos++) {
            long id = pos % keys;
            out.add(ChangeEvent.update("src", "public.users", row("id", id), null, row("id", id, "name", "v" + pos), Position.of(pos)));
        }
        return out;
    }

    /** Position → how many records carry it; and checks every record's key is the one its value's row has. */
    private static Map<String, Integer> positionCounts(String topic) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records(topic)) {
            String pos = new String(r.headers().lastHeader(KafkaSink.POSITION_HEADER).value(), StandardCharsets.UTF_8);
            counts.merge(pos, 1, Integer::sum);
            String key = new String(r.key(), StandardCharsets.UTF_8);
            @SuppressWarnings("unchecked")
            Map<String, Object> after = (Map<String, Object>) json(r.value()).get("after");
            assertThat(json(r.key())).containsEntry("id", after.get("id"));
            partitionsByKey.computeIfAbsent(key, k -> new HashSet<>()).add(r.partition());
        }
        assertThat(partitionsByKey.values()).allSatisfy(parts -> assertThat(parts).hasSize(1));
        return counts;
    }

    @Test
    void replayAfterACrashPublishesEveryPositionExactlyOnceKeyedToOnePartition() throws Exception {
        KafkaSinkSettings s = settings().withTopicPartitions(3);
        try (KafkaSink sink = open(s)) {
            sink.write(changes(1, 50, 7));
            sink.write(changes(51, 60, 7));
        }
        // the process died before the position commit of 1..60 and after a partial batch: all of it comes again, and more
        try (KafkaSink sink = open(s)) {
            sink.write(changes(1, 40, 7));
            sink.write(changes(41, 100, 7));
            assertThat(sink.health().details()).containsEntry("skipped_already_published", 60L);
        }
        Map<String, Integer> counts = positionCounts(prefix + "src.users");
        assertThat(counts).hasSize(100);
        assertThat(counts.values()).containsOnly(1);
        System.out.printf("kafka exactly-once: positions written=%d, records=%d, duplicates=%d%n", 100,
                counts.values().stream().mapToInt(Integer::intValue).sum(),
                counts.values().stream().mapToInt(c -> c - 1).sum());
    }

    @Test
    void transactionsFenceAZombieAndPublishEachPositionOnce() throws Exception {
        KafkaSinkSettings s = settings().withTransactionalId(prefix + "txn");
        try (KafkaSink sink = open(s)) {
            sink.write(changes(1, 30, 5));
        }
        // a zombie with the same transactional id left a transaction open, holding a later position
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "txn");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        KafkaProducer<byte[], byte[]> zombie = new KafkaProducer<>(p);
        zombie.initTransactions();
        zombie.beginTransaction();
        RecordHeaders h = new RecordHeaders();
        h.add(KafkaSink.POSITION_HEADER, "[999]".getBytes(StandardCharsets.UTF_8));
        zombie.send(new ProducerRecord<>(prefix + "src.users", 0, null, "{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                "{\"op\":\"u\",\"after\":{\"id\":1,\"name\":\"zombie\"}}".getBytes(StandardCharsets.UTF_8), h));
        zombie.flush();
        try (KafkaSink sink = open(s)) {
            sink.write(changes(1, 60, 5));
        } finally {
            zombie.close(Duration.ZERO);
        }
        Map<String, Integer> counts = positionCounts(prefix + "src.users");
        assertThat(counts).hasSize(60).doesNotContainKey("[999]");
        assertThat(counts.values()).containsOnly(1);
        assertThat(rows().get(1L)).containsEntry("name", "v56");
    }

    @Test
    void envelopesAreWhatDebeziumConsumersReadAndTruncateAndDdlGoOnTheTopic() throws Exception {
        Instant ts = Instant.parse("2026-11-25T10:00:00Z");
        try (KafkaSink sink = open(settings())) {
            sink.write(List.of(
                    ChangeEvent.builder("src", "public.users", Operation.INSERT).snapshot(true).key(row("id", 1L))
                            .after(row("id", 1L, "name", "a")).sourceTimestamp(ts).position(Position.of(1)).build(),
                    ChangeEvent.builder("src", "public.users", Operation.UPDATE).key(row("id", 1L)).before(row("id", 1L, "name", "a"))
                            .after(row("id", 1L)).unchangedFields(Set.of("name")).sourceTimestamp(ts).position(Position.of(2)).build(),
                    ChangeEvent.delete("src", "public.users", row("id", 1L), row("id", 1L, "name", "a"), Position.of(3)),
                    ChangeEvent.truncate("src", "public.users", Position.of(4)),
                    ChangeEvent.ddl("src", "public.users", "ALTER TABLE users ADD COLUMN x int", Position.of(5))));
            assertThat(sink.assetName("events", "src", "public.users")).isEqualTo("events:" + prefix + "src.users");
        }
        List<ConsumerRecord<byte[], byte[]>> recs = records(prefix + "src.users");
        assertThat(recs).extracting(r -> json(r.value()).get("op")).containsExactly("r", "u", "d", "t", "ddl");
        Map<String, Object> first = json(recs.get(0).value());
        assertThat(first).containsKeys("before", "after", "source", "op", "ts_ms");
        assertThat(first.get("before")).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> source = (Map<String, Object>) first.get("source");
        assertThat(source).containsEntry("name", "src").containsEntry("db", "public").containsEntry("table", "users")
                .containsEntry("snapshot", "true").containsEntry("ts_ms", ts.toEpochMilli());
        assertThat(new String(recs.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
        assertThat(json(recs.get(1).value())).containsEntry("unchanged_fields", List.of("name"));
        assertThat(json(recs.get(2).value()).get("after")).isNull();
        assertThat(recs.get(3).key()).isNull();
        assertThat(json(recs.get(4).value())).containsEntry("ddl", "ALTER TABLE users ADD COLUMN x int");
    }

    @Test
    void checkConnectionReachesTheBroker() {
        new KafkaSinkProvider(k -> null).checkConnection(io.etlcdc.core.spi.ProviderContext.of(new io.etlcdc.core.config.ConnectorDefinition(
                "events", "kafka", null, Map.of("bootstrap_servers", cluster.bootstrapServers()))));
    }

    @Test
    void aRecordTooLargeForTheBrokerIsDeadLetteredAndTheRestPublished() throws Exception {
        KafkaSinkSettings s = settings().withClientProperties(Map.of("max.request.size", "4000"));
        try (KafkaSink sink = open(s)) {
            sink.write(List.of(insert(1, 1, "a"), insert(2, 2, "x".repeat(20_000)), insert(3, 3, "c")));
        }
        assertThat(rows()).containsOnlyKeys(1L, 3L);
        assertThat(deadLetters).singleElement().asString().startsWith("2: refused by the broker");
    }
}
