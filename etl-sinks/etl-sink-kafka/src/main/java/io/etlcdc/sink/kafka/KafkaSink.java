package io.etlcdc.sink.kafka;

import com.fasterxml.jackson.core.type.TypeReference;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.error.RetriableEtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.ComponentHealth;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Publishes change events to Kafka: one topic per source table ({@code <topic_prefix><source_id>.<table>}),
 * message key = the row key as JSON, value = the {@link DebeziumEnvelope}.
 *
 * <p><b>Delivery.</b> The producer is idempotent ({@code enable.idempotence=true}, {@code acks=all}):
 * sends are asynchronous, and {@link #write} flushes and checks every send before it returns, so
 * returning means every record is replicated. Each record carries its source position in the
 * {@code etl.position} header and goes to the partition its key hashes to (as Kafka's default
 * partitioner would put it); before the first write to a partition the sink reads the partition's
 * tail to find the highest position already there and skips re-delivered events at or below it. A
 * crash between the write and the position commit therefore never publishes a position twice. With
 * {@code transactional_id} each batch is one Kafka transaction: a batch interrupted by a crash is
 * aborted (consumers reading {@code read_committed} never see it) and written again on restart.
 *
 * <p><b>Errors.</b> A broker that is unreachable, a leader election, a timeout: {@link RetriableEtlException}
 * (the producer is rebuilt and the partitions' tails re-read before the retry, so nothing doubles).
 * Authentication, authorization, a fenced transactional producer, an invalid topic: a permanent
 * {@link EtlException} naming the sink. A record the broker refuses for its size is dead-lettered.
 *
 * <p>Writes come from one pipeline thread at a time; {@link #health()} may be called from any thread.
 */
public final class KafkaSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
    /** Header with the event's position sort key as a JSON array. */
    public static final String POSITION_HEADER = "etl.position";
    /** Header with the event's source id. */
    public static final String SOURCE_HEADER = "etl.source_id";
    private static final int TAIL_WINDOW = 256;
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaSinkSettings settings;
    private final DebeziumEnvelope envelope;
    private final Map<String, Integer> partitionsByTopic = new HashMap<>();
    /** Highest position known to be in each partition; absent = not read yet. */
    private final Map<TopicPartition, Optional<Position>> highWater = new HashMap<>();
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Admin admin;
    private SinkContext context;
    private volatile ComponentHealth health = ComponentHealth.unknown();
    private volatile long published;
    private volatile long skippedAsPublished;

    public KafkaSink(KafkaSinkSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public KafkaSink(KafkaSinkSettings settings, Clock clock) {
        this.settings = settings;
        this.envelope = new DebeziumEnvelope(clock);
    }

    public KafkaSinkSettings settings() {
        return settings;
    }

    /** Remembers the context; clients connect on the first write so that a broker that is down delays, not fails, the start. */
    @Override
    public void open(SinkContext sinkContext) {
        this.context = sinkContext;
    }

    /** The topic events of {@code sourceId}'s {@code collection} go to. */
    public String topic(String sourceId, String collection) {
        int dot = collection.lastIndexOf('.');
        String table = dot < 0 ? collection : collection.substring(dot + 1);
        String name = settings.topicPrefix() + sourceId + "." + table;
        String legal = name.replaceAll("[^a-zA-Z0-9._-]", "_");
        return legal.length() > 249 ? legal.substring(0, 249) : legal;
    }

    @Override
    public void write(List<ChangeEvent> batch) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        List<ChangeEvent> toSend = batch;
        while (true) {
            try {
                List<ChangeEvent> refused = send(toSend);
                if (refused.isEmpty()) {
                    health = ComponentHealth.up();
                    return;
                }
                // transactional: the batch was aborted because of them; write the rest again without them
                for (ChangeEvent e : refused) {
                    deadLetter(e, "refused by the broker: record too large");
                }
                List<ChangeEvent> rest = new ArrayList<>(toSend);
                rest.removeAll(refused);
                toSend = rest;
            } catch (KafkaException | ExecutionException e) {
                throw failure(e);
            }
        }
    }

    private record Sent(ChangeEvent event, TopicPartition partition, Future<RecordMetadata> future) {
    }

    /** Sends and flushes; returns the events refused inside an aborted transaction (empty when done). */
    private List<ChangeEvent> send(List<ChangeEvent> batch) throws ExecutionException, InterruptedException {
        ensureClients();
        boolean transactional = settings.transactionalId() != null;
        List<Sent> sent = new ArrayList<>(batch.size());
        Map<TopicPartition, Position> newHigh = new HashMap<>();
        boolean began = false;
        for (ChangeEvent e : batch) {
            if (e.operation() == Operation.DDL && !settings.ddlEvents()) {
                continue;
            }
            String topic = topic(e.sourceId(), e.collection());
            byte[] key = envelope.key(e);
            int partition = key == null ? 0 : Utils.toPositive(Utils.murmur2(key)) % partitions(topic);
            TopicPartition tp = new TopicPartition(topic, partition);
            Position high = newHigh.containsKey(tp) ? newHigh.get(tp) : highWater(tp).orElse(null);
            if (high != null && !e.position().isAfter(high)) {
                skippedAsPublished++;
                continue;
            }
            if (transactional && !began) {
                producer.beginTransaction();
                began = true;
            }
            RecordHeaders headers = new RecordHeaders();
            headers.add(POSITION_HEADER, positionBytes(e.position()));
            headers.add(SOURCE_HEADER, e.sourceId().getBytes(StandardCharsets.UTF_8));
            headers.add("etl.op", e.operation().name().getBytes(StandardCharsets.UTF_8));
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, null, key, envelope.value(e), headers);
            sent.add(new Sent(e, tp, producer.send(record)));
            newHigh.put(tp, e.position());
        }
        producer.flush();
        List<ChangeEvent> refused = new ArrayList<>(0);
        ExecutionException firstFailure = null;
        for (Sent s : sent) {
            try {
                s.future().get();
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof RecordTooLargeException || ex.getCause() instanceof RecordBatchTooLargeException) {
                    refused.add(s.event());
                } else if (firstFailure == null) {
                    firstFailure = ex;
                }
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
        if (transactional && began) {
            if (!refused.isEmpty()) {
                producer.abortTransaction();
                return refused;
            }
            producer.commitTransaction();
        } else {
            for (ChangeEvent e : refused) {
                deadLetter(e, "refused by the broker: record too large");
            }
        }
        newHigh.forEach((tp, p) -> highWater.put(tp, Optional.of(p)));
        published += sent.size() - refused.size();
        return List.of();
    }

    private void deadLetter(ChangeEvent e, String reason) {
        if (context == null) {
            throw new EtlException(ErrorCode.SINK_FAILED, "sink '" + settings.sinkId() + "' cannot publish " + e.collection()
                    + " at " + e.position() + ": " + reason);
        }
        context.deadLetter(e, reason);
    }

    private EtlException failure(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String why = Secrets.maskText(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        String where = "sink '" + settings.sinkId() + "' (kafka " + settings.bootstrapServers() + ")";
        // what landed is unknown now: rebuild the producer and read the partitions' tails again before the retry
        resetClients();
        if (isPermanent(cause)) {
            health = ComponentHealth.down(why);
            return new EtlException(ErrorCode.SINK_FAILED, where + " failed: " + why, cause);
        }
        health = ComponentHealth.down("retrying: " + why);
        return new RetriableEtlException(ErrorCode.SINK_FAILED, where + " is unavailable, will retry: " + why, cause);
    }

    static boolean isPermanent(Throwable t) {
        return t instanceof AuthenticationException || t instanceof AuthorizationException || t instanceof ProducerFencedException
                || t instanceof InvalidTopicException || t instanceof InvalidConfigurationException
                || t instanceof UnsupportedVersionException || t instanceof org.apache.kafka.common.config.ConfigException;
    }

    // ---- clients ------------------------------------------------------------------------------

    private Properties common() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        settings.clientProperties().forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.") || k.equals("client.dns.lookup")) {
                p.put(k, v);
            }
        });
        return p;
    }

    /** The producer's properties: the user's {@code kafka.*} ones, then what exactly-once needs. */
    Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putAll(settings.clientProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "etl-sink-" + settings.sinkId());
        if (settings.transactionalId() != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        }
        return p;
    }

    private void ensureClients() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerProperties());
            if (settings.transactionalId() != null) {
                // fences a previous incarnation and aborts the transaction it left open
                producer.initTransactions();
            }
        }
        if (consumer == null) {
            Properties p = common();
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, "etl-sink-" + settings.sinkId() + "-tail");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
        }
    }

    private Admin admin() {
        if (admin == null) {
            Properties p = common();
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "etl-sink-" + settings.sinkId() + "-admin");
            admin = Admin.create(p);
        }
        return admin;
    }

    private int partitions(String topic) throws ExecutionException, InterruptedException {
        Integer known = partitionsByTopic.get(topic);
        if (known != null) {
            return known;
        }
        if (settings.createTopics()) {
            try {
                admin().createTopics(List.of(new NewTopic(topic, Optional.of(settings.topicPartitions()),
                                settings.replicationFactor() > 0 ? Optional.of(settings.replicationFactor()) : Optional.empty())))
                        .all().get(60, TimeUnit.SECONDS);
                LOG.info("sink {}: created topic {} with {} partition(s)", settings.sinkId(), topic, settings.topicPartitions());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new org.apache.kafka.common.errors.TimeoutException("creating topic " + topic + " timed out", e);
            }
        }
        List<PartitionInfo> infos = producer.partitionsFor(topic);
        int n = infos == null || infos.isEmpty() ? 1 : infos.size();
        partitionsByTopic.put(topic, n);
        return n;
    }

    /** The highest position in a partition, read from its tail once and then tracked. */
    private Optional<Position> highWater(TopicPartition tp) {
        Optional<Position> known = highWater.get(tp);
        if (known != null) {
            return known;
        }
        Optional<Position> found = Optional.ofNullable(scanTail(tp));
        highWater.put(tp, found);
        found.ifPresent(p -> LOG.info("sink {}: {} already holds events up to position {}", settings.sinkId(), tp, p));
        return found;
    }

    private Position scanTail(TopicPartition tp) {
        List<TopicPartition> one = List.of(tp);
        consumer.assign(one);
        long begin = consumer.beginningOffsets(one, SCAN_TIMEOUT).get(tp);
        long end = consumer.endOffsets(one, SCAN_TIMEOUT).get(tp);
        long window = TAIL_WINDOW;
        long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
        while (end > begin) {
            long start = Math.max(begin, end - window);
            consumer.seek(tp, start);
            Position high = null;
            while (consumer.position(tp, SCAN_TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("reading the tail of " + tp + " timed out");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end) {
                        continue;
                    }
                    Position p = positionOf(r.headers().lastHeader(POSITION_HEADER));
                    if (p != null && p.isAfter(high)) {
                        high = p;
                    }
                }
            }
            if (high != null || start == begin) {
                return high;
            }
            // only aborted or foreign records in the window: look further back
            window *= 4;
        }
        return null;
    }

    static byte[] positionBytes(Position p) {
        try {
            return EtlJson.mapper().writeValueAsBytes(p.sortKey());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a position's sort key is always JSON", e);
        }
    }

    static Position positionOf(Header h) {
        if (h == null) {
            return null;
        }
        try {
            List<Object> sortKey = EtlJson.mapper().readValue(h.value(), new TypeReference<List<Object>>() { });
            return new Position(sortKey, Map.of());
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private void resetClients() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // closing a broken producer
            }
            producer = null;
        }
        highWater.clear();
        partitionsByTopic.clear();
    }

    // ---- the rest of the Sink contract --------------------------------------------------------

    @Override
    public String assetName(String sinkId, String sourceId, String collection) {
        return sinkId + ":" + topic(sourceId, collection);
    }

    @Override
    public ComponentHealth health() {
        ComponentHealth h = health;
        return new ComponentHealth(h.status(), h.message(), Map.of("published", published,
                "skipped_already_published", skippedAsPublished, "bootstrap_servers", settings.bootstrapServers()));
    }

    @Override
    public void close() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                LOG.warn("sink {}: closing the producer failed: {}", settings.sinkId(), e.toString());
            }
            producer = null;
        }
        if (consumer != null) {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            consumer = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        highWater.clear();
        partitionsByTopic.clear();
    }
}
