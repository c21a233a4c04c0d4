package io.etlcdc.server.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.server.e2e.ServerProcess;
import io.etlcdc.server.testing.Api;
import io.etlcdc.server.testing.Api.Response;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server in Connect mode against real components: a KRaft broker and two distributed Connect
 * workers in this JVM (loading the assembled etl-connect plugin directory and Debezium's PostgreSQL
 * connector), embedded PostgreSQL (source database, warehouse database, and the shared state database),
 * and the built {@code etl-server.jar} as its own process with {@code CONNECT_URL}.
 *
 * <ol>
 *   <li>The spec's pipeline goes through the unchanged REST API (PostgreSQL source, mask_email rule,
 *   a dead_letter quality rule, jdbc sink) and every change lands in the warehouse, masked; lineage and
 *   audit written by the tasks show in the server's endpoints.</li>
 *   <li>A 50,000-change stream, one worker stopped in the middle: its tasks move to the other worker;
 *   at the end the warehouse table equals the source table row for row, the dead-letter topic holds
 *   exactly the poisoned records, and the change topic (exactly-once source) holds each change once.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectModeIT {
    static final String TOPIC = "postgres_main.public.users";
    static final String DLQ = "etl-dlq-warehouse";

    private EmbeddedPostgres postgres;
    private EmbeddedConnectCluster connect;
    private WorkerHandle kept;
    private ServerProcess server;
    private Api api;
    private Path dir;
    /** Ids whose rows carry an email the quality rule refuses. */
    private final Set<Integer> poisoned = new TreeSet<>();
    /** Changes made to public.users so far (each one a change event). */
    private long changes;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("connect-mode-it");
        postgres = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10").setServerConfig("max_wal_senders", "10").start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id INT PRIMARY KEY, email TEXT, name TEXT, status TEXT, amount NUMERIC(10,2))");
            s.execute("CREATE DATABASE warehouse");
            s.execute("CREATE DATABASE etl");
        }
        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.path", pluginDir().toString());
        worker.put("plugin.discovery", "hybrid_warn");
        worker.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("offset.flush.interval.ms", "1000");
        worker.put("scheduled.rebalance.max.delay.ms", "2000");
        worker.put("exactly.once.source.support", "enabled");
        Properties broker = new Properties();
        broker.put("group.initial.rebalance.delay.ms", "0");
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        connect = new EmbeddedConnectCluster.Builder().name("etl-connect-mode").numWorkers(2).numBrokers(1)
                .workerProps(worker).brokerProps(broker).build();
        connect.start();
        kept = connect.workers().iterator().next();
        server = ServerProcess.start(dir, Map.of(
                "ETL_DATA_DIR", dir.resolve("data").toString(),
                "DATABASE_URL", "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/etl",
                "KAFKA_BOOTSTRAP_SERVERS", connect.kafka().bootstrapServers(),
                "CONNECT_URL", kept.url().toString()));
        api = new Api(server.port(), null);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (connect != null) {
            connect.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static Path pluginDir() {
        String d = System.getProperty("etl.connect.plugin.dir");
        if (d == null || !Files.isDirectory(Path.of(d))) {
            throw new IllegalStateException("the etl-connect plugin directory is missing (" + d + "); build etl-connect first (mvn verify does)");
        }
        return Path.of(d);
    }

    @Test
    @Order(1)
    void theSpecsPipelineDeployedThroughTheApiDeliversEveryChangeMasked() throws Exception {
        execute("INSERT INTO users SELECT g, CASE WHEN g % 50 = 7 THEN 'user' || g || '@localhost' ELSE 'user' || g || '@example.com' END,"
                + " 'name ' || g, 'active', g * 1.25 FROM generate_series(1, 200) g");
        for (int i = 1; i <= 200; i++) {
            if (i % 50 == 7) {
                poisoned.add(i);
            }
        }
        changes += 200;

        assertCreated(api.post("/api/v1/transformations", """
                {"rule_id": "mask_email", "name": "Mask Email Addresses", "rule_type": "map", "source_fields": ["email"],
                 "target_field": "masked_email", "expression": "{{ email.split(\\"@\\")[0][:3] }}***@{{ email.split(\\"@\\")[1] }}"}"""));
        assertCreated(api.post("/api/v1/quality/add-rule", """
                {"rule_id": "email_format", "field": "email", "check": "pattern", "parameters": {"regex": "^[^@]+@[^@]+\\\\.[a-z]+$"},
                 "severity": "error", "action": "dead_letter"}"""));
        assertCreated(api.post("/api/v1/sinks/connect", """
                {"id": "warehouse", "type": "jdbc", "connection_string": "postgresql://postgres:postgres@localhost:%d/warehouse",
                 "config": {"table_prefix": "", "auto_create": true}}""".formatted(postgres.getPort())));
        assertCreated(api.post("/api/v1/sources/connect", """
                {"id": "postgres_main", "type": "postgresql",
                 "connection_string": "postgresql://postgres:postgres@localhost:%d/postgres",
                 "config": {"poll_interval": 1, "tables": ["users"], "replica_identity": "full", "heartbeat_interval": 1}}"""
                .formatted(postgres.getPort())));
        Response started = api.post("/api/v1/sources/postgres_main/start", "[\"users\"]");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() ->
                "RUNNING".equals(api.get("/api/v1/pipeline/status").json().path("state").asText()));
        connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning("etl-sink-warehouse", 1, "sink connector not running");
        awaitWarehouseMatchesSource(Duration.ofSeconds(120));

        execute("UPDATE users SET name = 'renamed ' || id, amount = amount + 1 WHERE id BETWEEN 1 AND 20");
        execute("DELETE FROM users WHERE id BETWEEN 190 AND 199 AND id % 50 <> 7");
        changes += 20 + 10;
        awaitWarehouseMatchesSource(Duration.ofSeconds(90));
        Map<Integer, Map<String, Object>> warehouse = rows("warehouse", "SELECT id, masked_email FROM users");
        assertThat(warehouse.get(1).get("masked_email")).isEqualTo("use***@example.com");

        // status and health come from the cluster
        JsonNode status = api.get("/api/v1/pipeline/status").json();
        assertThat(status.path("sources").get(0).path("health").path("details").path("engine").asText()).isEqualTo("kafka-connect");
        assertThat(status.path("sinks").get(0).path("health").path("details").path("connector").asText()).isEqualTo("etl-sink-warehouse");
        assertThat(api.get("/health").status()).isEqualTo(200);
        // lineage and audit written by the sink tasks into DATABASE_URL
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> api.get(
                "/api/v1/lineage/asset/postgres_main_users/downstream?max_depth=3").body().contains("warehouse_users"));
        assertThat(api.get("/api/v1/lineage/asset/postgres_main_users/downstream?max_depth=3").body()).contains("rule:mask_email");
        assertThat(api.get("/api/v1/lineage/audit?action=connect.*").body()).contains("connect.task.start").contains("connect.connector.deploy");
        // the tasks registered the captured table's schema (without the column the rule adds) in the server's registry
        assertThat(api.get("/api/v1/schema/subjects").body()).contains("postgres_main_users");
        String v1 = api.get("/api/v1/schema/subjects/postgres_main_users/versions/1").body();
        assertThat(v1).contains("email").doesNotContain("masked_email");
        assertThat(server.log()).doesNotContain("postgres:postgres@");
    }

    @Test
    @Order(2)
    void aWorkerStoppedInTheMiddleOfFiftyThousandChangesLosesNothingAndDuplicatesNothing() throws Exception {
        WorkerHandle stopped = connect.workers().stream().filter(w -> w != kept).findFirst().orElseThrow();
        int stream = 50_000;
        int inserts = 40_000;
        int first = 1_000;
        long before = changes;
        int stoppedAt = -1;
        long deliveredAtStop = -1;
        String stoppedUrl = String.valueOf(stopped.url());
        for (int done = 0; done < inserts; done += 2_000) {
            int from = first + done;
            int to = from + 1_999;
            execute("INSERT INTO users SELECT g, CASE WHEN g % 1000 = 0 THEN 'bad' || g || '@localhost' ELSE 'user' || g || '@example.com' END,"
                    + " 'name ' || g, CASE WHEN g % 3 = 0 THEN 'new' ELSE 'active' END, g * 0.5 FROM generate_series(" + from + ", " + to + ") g");
            for (int g = from; g <= to; g++) {
                if (g % 1000 == 0) {
                    poisoned.add(g);
                }
            }
            changes += 2_000;
            if (done == 18_000) {
                // the middle of the stream: the other worker leaves, its tasks move to the one that stays
                stoppedAt = (int) (changes - before);
                deliveredAtStop = count("warehouse", "SELECT count(*) FROM users");
                connect.removeWorker(stopped);
            }
        }
        // 7,000 updates and 3,000 deletes, never of poisoned rows
        execute("UPDATE users SET name = 'updated ' || id, amount = amount + 2 WHERE id BETWEEN 1001 AND 8007 AND id % 1000 <> 0");
        long updated = count("postgres", "SELECT count(*) FROM users WHERE name LIKE 'updated %'");
        execute("DELETE FROM users WHERE id IN (SELECT id FROM users WHERE id > 30000 AND id % 1000 <> 0 ORDER BY id LIMIT 3000)");
        changes += updated + 3_000;
        assertThat(changes - before).as("changes in the stream").isEqualTo(stream);

        awaitWarehouseMatchesSource(Duration.ofSeconds(600));
        connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning("etl-sink-warehouse", 1, "sink not running after failover");
        JsonNode tasks = EtlJson.mapper().readTree(String.valueOf(connect.requestGet(connect.endpointForResource("connectors?expand=status")).getEntity()));
        Set<String> workersAfter = new TreeSet<>();
        for (String c : List.of("etl-source-postgres_main", "etl-sink-warehouse")) {
            for (JsonNode t : tasks.path(c).path("status").path("tasks")) {
                workersAfter.add(t.path("worker_id").asText());
            }
        }

        Map<Integer, Map<String, Object>> source = rows("postgres", "SELECT id, email, name, status, amount FROM users");
        Map<Integer, Map<String, Object>> warehouse = rows("warehouse", "SELECT id, email, name, status, amount, masked_email FROM users");
        long duplicatesAtSink = count("warehouse", "SELECT count(*) - count(DISTINCT id) FROM users");
        List<ConsumerRecord<byte[], byte[]>> dlq = readAll(DLQ);
        Set<Integer> dlqIds = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            dlqIds.add(EtlJson.mapper().readTree(r.key()).path("payload").path("id").asInt());
        }
        List<ConsumerRecord<byte[], byte[]>> topic = readAll(TOPIC);
        Set<String> distinctChanges = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : topic) {
            if (r.value() == null) {
                continue;
            }
            JsonNode p = EtlJson.mapper().readTree(r.value()).path("payload");
            distinctChanges.add(p.path("source").path("lsn").asText() + "|" + p.path("op").asText() + "|"
                    + EtlJson.mapper().readTree(r.key()).path("payload").path("id").asText());
        }
        System.out.printf("connect failover: %d changes streamed (worker %s stopped after %d were made, with %d warehouse rows), %d rows compared, "
                        + "duplicates at the sink = %d, dead letters %d (distinct %d, poisoned %d), change topic %d records (%d distinct) for %d changes, "
                        + "tasks now on %s%n",
                stream, stoppedUrl, stoppedAt, deliveredAtStop, source.size() - poisonedPresent(source), duplicatesAtSink, dlq.size(), dlqIds.size(),
                poisoned.size(), topic.size(), distinctChanges.size(), changes, workersAfter);

        assertThat(workersAfter).as("every task runs on the worker that stayed").hasSize(1);
        assertThat(duplicatesAtSink).isZero();
        assertThat(dlqIds).as("the dead-letter topic holds exactly the poisoned records").isEqualTo(poisoned);
        Map<Integer, Map<String, Object>> expected = new TreeMap<>();
        source.forEach((id, row) -> {
            if (!poisoned.contains(id)) {
                Map<String, Object> r = new java.util.LinkedHashMap<>(row);
                String email = (String) row.get("email");
                r.put("masked_email", email.substring(0, Math.min(3, email.indexOf('@'))) + "***@" + email.substring(email.indexOf('@') + 1));
                expected.put(id, r);
            }
        });
        assertThat(warehouse).as("the warehouse equals the source row for row").isEqualTo(expected);
        assertThat(distinctChanges).as("exactly-once source: no change twice in the topic").hasSize(topic.size());
    }

    private int poisonedPresent(Map<Integer, Map<String, Object>> source) {
        return (int) poisoned.stream().filter(source::containsKey).count();
    }

    /** Waits until the warehouse holds the source's rows (poisoned ones excepted) with the source's names and amounts. */
    private void awaitWarehouseMatchesSource(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().until(() -> {
            String q = "SELECT coalesce(sum(hashtext(id || '|' || name || '|' || amount)::bigint), 0) FROM users";
            long source = count("postgres", q + " WHERE NOT (email LIKE '%@localhost')");
            long warehouse = count("warehouse", q);
            return source == warehouse && count("postgres", "SELECT count(*) FROM users WHERE NOT (email LIKE '%@localhost')")
                    == count("warehouse", "SELECT count(*) FROM users");
        });
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic + "-" + System.nanoTime());
        try (KafkaConsumer<byte[], byte[]> consumer = connect.kafka().createConsumer(props)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            return out;
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String database, String sql) throws Exception {
        try (Connection c = postgres.getDatabase("postgres", database).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<Integer, Map<String, Object>> rows(String database, String sql) throws Exception {
        Map<Integer, Map<String, Object>> out = new TreeMap<>();
        try (Connection c = postgres.getDatabase("postgres", database).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.put(rs.getMetaData().getColumnName(i), v instanceof java.math.BigDecimal d ? d.stripTrailingZeros().toPlainString()
                            : v == null ? null : v.toString());
                }
                out.put(rs.getInt(1), row);
            }
        }
        return out;
    }

    private static void assertCreated(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    static String utf8(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
