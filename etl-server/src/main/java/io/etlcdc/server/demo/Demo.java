package io.etlcdc.server.demo;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.quality.QualityRules;
import io.etlcdc.server.plugins.Registries;
import io.etlcdc.server.runtime.PipelineManager;
import io.etlcdc.server.runtime.RuleSets;
import io.etlcdc.transform.RuleFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code --demo}: everything on embedded defaults so that a newcomer sees changes flowing within
 * seconds. A real PostgreSQL (users, orders) with a change generator, the spec's source, rules
 * (masking emails and phones, order totals, an active-status filter) and quality rules, a JSON-lines
 * file sink and a second database as warehouse through the {@code jdbc} sink. The demo keeps all its
 * state under {@code <data dir>/demo}, wiped at every start.
 */
public final class Demo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    /** Changes the generator makes per second. */
    static final int CHANGES_PER_SECOND = 20;

    static final String RULES = """
            rules:
              - rule_id: mask_email
                name: Mask Email Addresses
                rule_type: map
                source_fields: [email]
                target_field: masked_email
                expression: "{{ email.split(\\"@\\")[0][:3] }}***@{{ email.split(\\"@\\")[1] }}"
                scope: [postgres_main_users]
              - rule_id: mask_pii
                name: Mask PII Data
                rule_type: map
                source_fields: [email, phone]
                target_field: masked_data
                expression: |
                  {
                    "email": "***@{{ email.split('@')[1] }}",
                    "phone": "***-***-{{ phone[-4:] }}"
                  }
                scope: [postgres_main_users]
              - rule_id: order_total
                name: Order total
                rule_type: map
                source_fields: [price, tax]
                target_field: total
                expression: "{{ price + tax }}"
                scope: [postgres_main_orders]
              - rule_id: active_only
                name: Active records only
                rule_type: filter
                source_fields: [status]
                expression: "{{ status == 'active' }}"
            """;

    static final String QUALITY = """
            rules:
              - rule_id: email_format
                name: Email format
                target: postgres_main_users
                field: email
                check: pattern
                parameters: { regex: "^[^@]+@[^@]+\\\\.[a-z]+$" }
                severity: error
                action: dead_letter
              - rule_id: price_positive
                name: Prices are positive
                target: postgres_main_orders
                field: price
                check: range
                parameters: { min: 0 }
                severity: warning
                action: warn
            """;

    private final Path dataDir;
    private final DemoDatabase database;

    private Demo(Path dataDir, DemoDatabase database) {
        this.dataDir = dataDir;
        this.database = database;
    }

    /** Wipes {@code dataDir} and starts the demo databases in it. */
    public static Demo prepare(Path dataDir) {
        try {
            wipe(dataDir);
            Files.createDirectories(dataDir);
            return new Demo(dataDir, DemoDatabase.start(dataDir.resolve("postgres")));
        } catch (IOException | SQLException e) {
            throw new EtlException(ErrorCode.INTERNAL, "the demo could not start its PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Declares the demo pipeline through the same calls the REST API makes, starts it and the generator. */
    public void configure(PipelineManager manager, RuleSets rules, Registries registries) {
        String actor = "demo";
        manager.connectSink(new ConnectorDefinition("archive", "file", null,
                Map.of("path", dataDir.resolve("out/events.jsonl").toString())), actor);
        if (registries.sinks().find("jdbc").isPresent()) {
            manager.connectSink(new ConnectorDefinition("warehouse", "jdbc", database.url("warehouse"),
                    Map.of("auto_create", true)), actor);
        } else {
            LOG.warn("demo: no 'jdbc' sink type on the class path; the warehouse database stays empty");
        }
        RuleFiles.parse(RULES).forEach(r -> rules.addRule(r, actor));
        QualityRules.parseYaml(QUALITY, "demo quality rules").forEach(r -> rules.addQualityRule(r, actor));
        manager.connectSource(new ConnectorDefinition("postgres_main", "postgresql", database.url("shop"),
                Map.of("poll_interval", 0.1, "tables", List.of("users", "orders"))), actor);
        manager.startSource("postgres_main", List.of("users", "orders"), actor);
        database.startGenerator(CHANGES_PER_SECOND);
        LOG.info("demo running: PostgreSQL on port {} (databases shop and warehouse, user postgres), {} changes/s; "
                + "open the dashboard at / ; JSON lines in {}", database.port(), CHANGES_PER_SECOND, dataDir.resolve("out/events.jsonl"));
    }

    @Override
    public void close() {
        database.close();
    }
}
