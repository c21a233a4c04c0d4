package io.etlcdc.connect.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.connect.quality.QualityCheckException;
import io.etlcdc.core.connectors.MemoryDeadLetterSink;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.spi.DeadLetter;
import io.etlcdc.quality.QualityGate;
import io.etlcdc.quality.QualityRules;
import io.etlcdc.transform.RuleEngine;
import io.etlcdc.transform.RuleFiles;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One rule set (the spec's mask_email map rule, a filter) and one quality rule set (a dead_letter pattern
 * check, a drop range check), run over the same 260 changes twice: in the embedded pipeline, and in a
 * two-worker Connect cluster that loads the assembled plugin directory (the rules transformation, the
 * quality transformation and the file sink connector, three partitions, two tasks). Both must deliver
 * the same final rows and dead-letter the same changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SameRulesEmbeddedAndConnectIT {
    static final String RULES = """
            rules:
              - rule_id: mask_email
                name: Mask Email Addresses
                rule_type: map
                source_fields: [email]
                target_field: masked_email
                expression: "{{ email.split(\\"@\\")[0][:3] }}***@{{ email.split(\\"@\\")[1] }}"
              - rule_id: active_only
                rule_type: filter
                source_fields: [status]
                expression: "{{ status == 'active' }}"
            """;
    static final String QUALITY = """
            rules:
              - rule_id: email_format
                field: email
                check: pattern
                parameters: {regex: '^[^@]+@[^@]+\\.[a-z]+$'}
                action: dead_letter
              - rule_id: amount_not_negative
                field: amount
                check: range
                parameters: {min: 0}
                action: drop
            """;
    static final String SOURCE = "pg";
    static final String TOPIC = "pg.public.users";
    static final String DLQ = "etl-dlq-archive";

    /** One captured change, described once and turned into an embedded event and a Connect record. */
    record Change(String op, int id, Map<String, Object> before, Map<String, Object> after, long lsn) {}

    private EmbeddedConnectCluster connect;
    private final List<Change> changes = new ArrayList<>();

    @BeforeAll
    void start() {
        long lsn = 1000;
        for (int i = 0; i < 200; i++) {
            changes.add(new Change("c", i, null, row(i, 0), lsn++));
        }
        for (int i = 0; i < 40; i++) {
            changes.add(new Change("u", i, row(i, 0), row(i, 1), lsn++));
        }
        for (int i = 180; i < 200; i++) {
            changes.add(new Change("d", i, row(i, 0), null, lsn++));
        }
        connect = ConnectClusters.start("same-rules", 2);
    }

    @AfterAll
    void stop() {
        if (connect != null) {
            connect.stop();
        }
    }

    /** Row {@code id} at version v: some emails break the map rule, some only the quality pattern; some rows are filtered or dropped. */
    static Map<String, Object> row(int id, int version) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("email", id % 10 == 3 ? "nodomain" + id : id % 10 == 5 ? "u" + id + "@localhost" : "user" + id + "." + version + "@example.com");
        r.put("status", id % 7 == 0 ? "inactive" : "active");
        r.put("amount", id % 11 == 0 && version == 0 ? new BigDecimal("-1.00") : new BigDecimal(id + ".5" + version));
        return r;
    }

    @Test
    void theSameRulesGiveTheSameRowsAndDeadLettersEmbeddedAndInConnect(@TempDir Path dir) throws Exception {
        // --- embedded
        MemorySink sink = new MemorySink();
        MemoryDeadLetterSink deadLetters = new MemoryDeadLetterSink();
        List<ChangeEvent> events = changes.stream().map(SameRulesEmbeddedAndConnectIT::event).toList();
        MemorySource source = MemorySource.of(events);
        try (Pipeline p = Pipeline.builder().source(SOURCE, source)
                .transform(RuleEngine.builder().rules(RuleFiles.parse(RULES)).build())
                .quality(QualityGate.builder().rules(QualityRules.parseYaml(QUALITY, "quality")).build())
                .sink("archive", sink).deadLetterSink(deadLetters).offsetStore(new MemoryOffsetStore()).build()) {
            p.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var m = p.metrics().snapshot();
                return m.delivered() + m.filtered() + m.dropped() + m.deadLettered() == events.size();
            });
        }
        Map<Integer, JsonNode> embeddedRows = finalRows(sink.events().stream().map(SameRulesEmbeddedAndConnectIT::asWritten).toList());
        Set<String> embeddedDeadLetters = new TreeSet<>();
        for (DeadLetter d : deadLetters.recent(10_000)) {
            embeddedDeadLetters.add(d.event().operation().debeziumCode(false) + ":" + id(d.event()));
        }

        // --- Kafka Connect: the same changes as Debezium records, three partitions keyed by id
        connect.kafka().createTopic(TOPIC, 3);
        for (Change c : changes) {
            Struct env = Envelopes.envelope(SOURCE, c.op(), struct(c.before()), struct(c.after()), c.lsn());
            connect.kafka().produce(TOPIC, Math.floorMod(c.id(), 3), Envelopes.keyJson(TOPIC, c.id()), Envelopes.valueJson(TOPIC, env));
        }
        Path out = dir.resolve("out").resolve("events.jsonl");
        Map<String, String> cfg = new HashMap<>();
        cfg.put("connector.class", "io.etlcdc.connect.sink.FileSinkConnector");
        cfg.put("tasks.max", "2");
        cfg.put("topics", TOPIC);
        cfg.put("sink.id", "archive");
        cfg.put("sink.config", "{\"path\": \"" + out.toString().replace("\\", "\\\\") + "\"}");
        cfg.put("transforms", "rules,quality");
        cfg.put("transforms.rules.type", "io.etlcdc.transform.connect.RuleTransformation$Value");
        cfg.put("transforms.rules.rules", RULES);
        cfg.put("transforms.quality.type", "io.etlcdc.connect.quality.QualityGateTransformation$Value");
        cfg.put("transforms.quality.rules", QUALITY);
        cfg.put("errors.tolerance", "all");
        cfg.put("errors.deadletterqueue.topic.name", DLQ);
        cfg.put("errors.deadletterqueue.topic.replication.factor", "1");
        cfg.put("errors.deadletterqueue.context.headers.enable", "true");
        connect.configureConnector("archive", cfg);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("archive", 2, "the file sink did not start");

        int expectedLines = sink.events().size();
        int expectedDeadLetters = embeddedDeadLetters.size();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> lines(out.getParent()).size() >= expectedLines);
        ConsumerRecords<byte[], byte[]> dlq = connect.kafka().consume(expectedDeadLetters, 60_000, DLQ);

        List<JsonNode> connectEvents = lines(out.getParent());
        Map<Integer, JsonNode> connectRows = finalRows(connectEvents);
        Set<String> connectDeadLetters = new TreeSet<>();
        Map<String, String> qualityMessages = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            JsonNode value = EtlJson.mapper().readTree(r.value());
            String op = value.path("payload").path("op").asText();
            JsonNode key = EtlJson.mapper().readTree(r.key());
            String tag = op + ":" + key.path("payload").path("id").asInt();
            connectDeadLetters.add(tag);
            Header cls = r.headers().lastHeader("__connect.errors.exception.class.name");
            Header msg = r.headers().lastHeader("__connect.errors.exception.message");
            if (cls != null && QualityCheckException.class.getName().equals(new String(cls.value(), StandardCharsets.UTF_8))) {
                qualityMessages.put(tag, new String(msg.value(), StandardCharsets.UTF_8));
            }
        }

        System.out.printf("same rules: %d changes -> embedded %d delivered, %d dead letters; connect %d lines, %d dead letters (%d from the quality gate)%n",
                changes.size(), expectedLines, expectedDeadLetters, connectEvents.size(), connectDeadLetters.size(), qualityMessages.size());
        assertThat(connectEvents).as("each change in the files once").hasSize(expectedLines);
        assertThat(connectRows).isEqualTo(embeddedRows);
        assertThat(connectDeadLetters).isEqualTo(embeddedDeadLetters);
        assertThat(qualityMessages).as("quality dead letters carry their failed checks").isNotEmpty();
        String one = qualityMessages.values().iterator().next();
        JsonNode failed = EtlJson.mapper().readTree(one);
        assertThat(failed.path("rule_id").asText()).isEqualTo("email_format");
        assertThat(failed.path("failed_checks").get(0).path("check").asText()).isEqualTo("pattern");
        assertThat(failed.path("asset").asText()).isEqualTo("pg_users");
    }

    private static ChangeEvent event(Change c) {
        Position pos = Position.of(c.lsn());
        Map<String, Object> key = Map.of("id", c.id());
        ChangeEvent.Builder b = ChangeEvent.builder(SOURCE, "public.users",
                        c.op().equals("c") ? io.etlcdc.core.event.Operation.INSERT
                                : c.op().equals("u") ? io.etlcdc.core.event.Operation.UPDATE : io.etlcdc.core.event.Operation.DELETE)
                .key(key).before(c.before() == null ? null : new LinkedHashMap<>(c.before()))
                .after(c.after() == null ? null : new LinkedHashMap<>(c.after()))
                .sourceTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + c.lsn())).position(pos);
        return b.build();
    }

    /** An event as the file sink writes it, read back (so numbers compare as they do in the files). */
    private static JsonNode asWritten(ChangeEvent e) {
        try {
            return EtlJson.mapper().readTree(EtlJson.mapper().writeValueAsString(e));
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Struct struct(Map<String, Object> row) {
        return row == null ? null : Envelopes.row((Integer) row.get("id"), (String) row.get("email"), (String) row.get("status"),
                (BigDecimal) row.get("amount"));
    }

    private static int id(ChangeEvent e) {
        return ((Number) (e.key() != null ? e.key() : e.data()).get("id")).intValue();
    }

    /** Applies events in order per key: the rows a table would hold, as JSON. */
    private static Map<Integer, JsonNode> finalRows(List<JsonNode> events) {
        Map<Integer, JsonNode> rows = new TreeMap<>();
        for (JsonNode e : events) {
            int id = (e.has("key") ? e.get("key") : e.has("after") ? e.get("after") : e.get("before")).path("id").asInt();
            if ("d".equals(e.path("op").asText()) || "DELETE".equals(e.path("op").asText())) {
                rows.remove(id);
            } else {
                rows.put(id, e.get("after"));
            }
        }
        return rows;
    }

    private static List<JsonNode> lines(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                // one file per partition; every key lives in one partition, so the partition offset
                // (the position's sort key in Connect mode) orders each key's events
                List<JsonNode> inFile = new ArrayList<>();
                for (String line : Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        JsonNode n = EtlJson.mapper().readTree(line);
                        inFile.add(n);
                        seen.add(f.getFileName() + "@" + kafkaOffset(n));
                    }
                }
                inFile.sort(java.util.Comparator.comparingLong(SameRulesEmbeddedAndConnectIT::kafkaOffset));
                out.addAll(inFile);
            }
        }
        assertThat(seen).as("no offset twice in a partition file").hasSize(out.size());
        return out;
    }

    /** The written position carries its sort key only; in Connect mode that is the record's partition offset. */
    private static long kafkaOffset(JsonNode event) {
        JsonNode key = event.path("position").path("sort_key");
        assertThat(key.isArray() && key.size() == 1).as("position sort key of %s", event).isTrue();
        return key.get(0).asLong();
    }
}
