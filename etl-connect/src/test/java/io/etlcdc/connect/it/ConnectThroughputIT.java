package io.etlcdc.connect.it;

import io.etlcdc.core.connectors.MemoryDeadLetterSink;
import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySource;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.quality.QualityGate;
import io.etlcdc.quality.QualityRules;
import io.etlcdc.sink.jdbc.JdbcSinkProvider;
import io.etlcdc.transform.RuleEngine;
import io.etlcdc.transform.RuleFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Throughput of the sink side of the pipeline (change records → the spec's mask_email rule → a quality
 * gate → jdbc upsert into PostgreSQL) embedded and in Kafka Connect with one and with two workers, on
 * the same 200,000 pre-built changes. A measurement, not a check: it runs only with
 * {@code -Detl.bench=true} and prints its figures (see benchmarks/README.md, "Kafka Connect").
 */
class ConnectThroughputIT {
    static final int EVENTS = Integer.getInteger("etl.bench.events", 100_000);
    static final String QUALITY = "rules: [{rule_id: email_format, field: email, check: pattern, parameters: {regex: '^[^@]+@[^@]+\\.[a-z]+$'}, action: dead_letter}]";

    @Test
    void eventsPerSecondEmbeddedAndOnOneAndTwoWorkers() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("etl.bench"), "a measurement: run with -Detl.bench=true");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE embedded");
                s.execute("CREATE DATABASE connect1");
                s.execute("CREATE DATABASE connect2");
            }
            double embedded = embedded(pg);
            double one = connect(pg, 1, "connect1");
            double two = connect(pg, 2, "connect2");
            System.out.printf("THROUGHPUT events=%d embedded=%.0f/s connect_1_worker=%.0f/s connect_2_workers=%.0f/s cores=%d%n",
                    EVENTS, embedded, one, two, Runtime.getRuntime().availableProcessors());
        }
    }

    private static String cs(EmbeddedPostgres pg, String db) {
        return "postgresql://postgres:postgres@localhost:" + pg.getPort() + "/" + db;
    }

    private double embedded(EmbeddedPostgres pg) throws Exception {
        List<ChangeEvent> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            Map<String, Object> row = row(i);
            events.add(ChangeEvent.builder("pg", "public.users", Operation.INSERT).key(Map.of("id", i)).after(row)
                    .sourceTimestamp(Instant.now()).position(Position.of(i + 1L)).build());
        }
        ConnectorDefinition def = new ConnectorDefinition("warehouse", "jdbc", cs(pg, "embedded"), Map.of());
        var sink = new JdbcSinkProvider().create(ProviderContext.of(def));
        long start = System.nanoTime();
        try (Pipeline p = Pipeline.builder().source("pg", MemorySource.of(events))
                .transform(RuleEngine.builder().rules(RuleFiles.parse(SameRulesEmbeddedAndConnectIT.RULES)).build())
                .quality(QualityGate.builder().rules(QualityRules.parseYaml(QUALITY, "q")).build())
                .sink("warehouse", sink).deadLetterSink(new MemoryDeadLetterSink()).offsetStore(new MemoryOffsetStore()).build()) {
            p.start();
            while (true) {
                var m = p.metrics().snapshot();
                if (m.delivered() + m.filtered() + m.dropped() + m.deadLettered() >= EVENTS) {
                    break;
                }
                Thread.sleep(20);
            }
        }
        return EVENTS / ((System.nanoTime() - start) / 1e9);
    }

    private double connect(EmbeddedPostgres pg, int workers, String db) throws Exception {
        EmbeddedConnectCluster cluster = ConnectClusters.start("bench-" + workers, workers);
        try {
            String topic = "pg.public.users";
            cluster.kafka().createTopic(topic, 4);
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            pp.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
            // loading the topic is not what is measured; on a loaded 2-core machine the idempotent producer's retries can stall
            pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            pp.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < EVENTS; i++) {
                    Map<String, Object> r = row(i);
                    var env = Envelopes.envelope("pg", "c", null, Envelopes.row(i, (String) r.get("email"), (String) r.get("status"),
                            (BigDecimal) r.get("amount")), i + 1L);
                    producer.send(new ProducerRecord<>(topic, Envelopes.keyJson(topic, i), Envelopes.valueJson(topic, env)));
                }
                producer.flush();
            }
            Map<String, String> cfg = new HashMap<>();
            cfg.put("connector.class", "io.etlcdc.connect.sink.JdbcSinkConnector");
            cfg.put("tasks.max", "4");
            cfg.put("topics", topic);
            cfg.put("sink.id", "warehouse");
            cfg.put("connection.string", cs(pg, db));
            cfg.put("transforms", "rules,quality");
            cfg.put("transforms.rules.type", "io.etlcdc.transform.connect.RuleTransformation$Value");
            cfg.put("transforms.rules.rules", SameRulesEmbeddedAndConnectIT.RULES);
            cfg.put("transforms.quality.type", "io.etlcdc.connect.quality.QualityGateTransformation$Value");
            cfg.put("transforms.quality.rules", QUALITY);
            cfg.put("errors.tolerance", "all");
            cfg.put("errors.deadletterqueue.topic.name", "etl-dlq-warehouse");
            cfg.put("errors.deadletterqueue.topic.replication.factor", "1");
            cfg.put("consumer.override.max.poll.records", "2000");
            long start = System.nanoTime();
            cluster.configureConnector("bench", cfg);
            Map<String, Object> admin = new HashMap<>();
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
            try (Admin a = Admin.create(admin)) {
                while (true) {
                    Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets("connect-bench")
                            .partitionsToOffsetAndMetadata().get();
                    long sum = committed.values().stream().mapToLong(o -> o == null ? 0 : o.offset()).sum();
                    if (sum >= EVENTS) {
                        break;
                    }
                    Thread.sleep(100);
                }
            }
            double rate = EVENTS / ((System.nanoTime() - start) / 1e9);
            try (Connection c = pg.getDatabase("postgres", db).getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM users")) {
                rs.next();
                System.out.printf("connect %d worker(s): %d rows in the warehouse%n", workers, rs.getLong(1));
            }
            return rate;
        } finally {
            cluster.stop();
        }
    }

    static Map<String, Object> row(int i) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", i);
        r.put("email", "user" + i + "@example.com");
        r.put("status", "active");
        r.put("amount", new BigDecimal(i % 1000 + ".25"));
        return r;
    }
}
