package io.etlcdc.connect.sink;

import io.etlcdc.connect.Versions;
import io.etlcdc.connect.quality.QualityCheckException;
import io.etlcdc.connect.quality.QualityHeaders;
import io.etlcdc.connect.record.ChangeEventReader;
import io.etlcdc.connect.state.StateDatabase;
import io.etlcdc.connect.state.TaskLineage;
import io.etlcdc.connect.state.TransformChain;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.schema.SchemaRegistry;
import io.etlcdc.schema.SchemaTracker;
import io.etlcdc.schema.store.JdbcSchemaStore;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.spi.AuditLog;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkContext;
import io.etlcdc.core.spi.SinkProvider;
import io.etlcdc.lineage.store.JdbcAuditLog;
import io.etlcdc.lineage.store.JdbcLineageStore;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Debezium change records into one of the product's sinks, with the delivery the embedded
 * pipeline gives:
 *
 * <ul>
 *   <li><b>Durable before committed.</b> Records are converted to change events and written with the
 *   product's sink in batches of {@code batch.size} (each write is durable when it returns: a committed
 *   transaction, an fsynced file); {@link #preCommit} writes what is left and hands Connect only the
 *   offsets of records that are durable (or in the dead-letter queue), so a rebalance or a worker crash
 *   replays at most what was not yet durable. The jdbc sink upserts by key and the file sink skips
 *   offsets its file already holds, so a replay changes nothing: each change is in the sink once.</li>
 *   <li><b>Dead letters.</b> A record the quality transformation marked {@code dead_letter} is never
 *   written; it goes to Connect's dead-letter queue through the errant-record reporter with a
 *   {@link QualityCheckException} whose message lists the failed checks (and with
 *   {@code errors.deadletterqueue.context.headers.enable=true} in the {@code __connect.errors.*}
 *   headers). So does a record the destination refuses for good. A record marked {@code fail} fails
 *   the task, uncommitted.</li>
 *   <li><b>Back-pressure.</b> A transient failure (database down) keeps the batch and makes Connect
 *   re-deliver and retry ({@link RetriableException}); the buffer never holds more than one batch and one
 *   poll.</li>
 *   <li><b>Shared state.</b> With {@code state.database.url}, lineage is recorded once per batch, task
 *   start, stop and failure are audited, and the captured tables' schemas are registered, in the same
 *   tables the server reads.</li>
 * </ul>
 * Connect calls a task from one thread.
 */
public final class EtlSinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(EtlSinkTask.class);

    /** One record accepted by {@code put} and not yet durable: its event (null when only its offset counts). */
    private record Pending(SinkRecord record, ChangeEvent event) {}

    private SinkTaskConfig config;
    private String sinkType;
    private ConnectorDefinition definition;
    private SinkProvider provider;
    private String partitionedOption;
    private ChangeEventReader reader;
    private ErrantRecordReporter reporter;
    private Sink shared;
    private final Map<TopicPartition, Sink> perPartition = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final Map<TopicPartition, Long> durable = new HashMap<>();
    private final Map<Position, SinkRecord> recordsOfBatch = new HashMap<>();
    private final List<ChangeEvent> deadLettered = new ArrayList<>();
    private final List<String> deadLetterRules = new ArrayList<>();
    private boolean lastWriteFailed;
    private StateDatabase stateDatabase;
    private TaskLineage lineage;
    private AuditLog audit;
    private SchemaTracker schemas;
    private Set<String> ruleTargets = Set.of();
    private final Map<TableSchema, TableSchema> sourceShapes = new IdentityHashMap<>();
    private String taskName = "etl-sink";

    @Override
    public String version() {
        return Versions.version();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new SinkTaskConfig(props);
        sinkType = props.get(EtlSinkConnector.SINK_TYPE);
        if (sinkType == null) {
            throw new ConnectException("task configuration lacks " + EtlSinkConnector.SINK_TYPE + "; start it through a product sink connector");
        }
        partitionedOption = props.get(EtlSinkConnector.PARTITIONED_OPTION);
        taskName = props.getOrDefault("name", "etl-sink-" + config.sinkId());
        provider = ProviderRegistry.load(SinkProvider.class, EtlSinkTask.class.getClassLoader()).get(sinkType);
        definition = config.definition(sinkType);
        List<ConfigError> errors = provider.validate(definition);
        if (!errors.isEmpty()) {
            throw new org.apache.kafka.common.config.ConfigException(errors.toString());
        }
        reader = new ChangeEventReader(config.sourceId());
        try {
            reporter = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            reporter = null; // a worker older than Kafka 2.6
        }
        if (partitionedOption == null) {
            shared = openSink(definition);
        }
        String url = config.stateDatabaseUrl();
        if (url != null) {
            stateDatabase = StateDatabase.open(url, SinkTaskConfig.STATE_DATABASE_URL, "etl-connect-" + config.sinkId(), 2);
            if (config.lineageEnabled()) {
                Sink namer = shared != null ? shared : provider.create(ProviderContext.builder(definition.id()).definition(definition)
                        .classLoader(EtlSinkTask.class.getClassLoader()).build());
                lineage = new TaskLineage(new JdbcLineageStore(stateDatabase.dataSource()), config.sinkId(), namer, assetKind(sinkType),
                        TransformChain.describe(props));
            }
            if (config.auditEnabled()) {
                audit = new JdbcAuditLog(stateDatabase.dataSource());
            }
            if (config.schemaRegister()) {
                schemas = SchemaTracker.create(new SchemaRegistry(new JdbcSchemaStore(stateDatabase.dataSource())));
                Set<String> targets = new HashSet<>();
                TransformChain.describe(props).stream().filter(r -> !"quality".equals(r.kind()) && r.targetField() != null)
                        .forEach(r -> targets.add(r.targetField()));
                ruleTargets = Set.copyOf(targets);
            }
        }
        audit("connect.task.start", Map.of("connector", taskName, "sink_type", sinkType));
    }

    private Sink openSink(ConnectorDefinition def) {
        Sink sink = provider.create(ProviderContext.builder(def.id()).definition(def).classLoader(EtlSinkTask.class.getClassLoader())
                .dataDir(Path.of(System.getProperty("java.io.tmpdir"), "etl-connect", def.id())).build());
        try {
            sink.open(new TaskSinkContext(def.id()));
        } catch (Exception e) {
            throw new ConnectException("sink '" + def.id() + "' could not be opened: " + Secrets.maskText(e.getMessage()), e);
        }
        return sink;
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (lastWriteFailed && !pending.isEmpty() && !flush(false)) {
            // the previous batch is still not durable: Connect re-delivers these records after a pause
            context.timeout(1000);
            throw new RetriableException("sink '" + config.sinkId() + "' is not accepting writes yet; retrying");
        }
        for (SinkRecord r : records) {
            String outcome = QualityHeaders.text(r.headers(), QualityHeaders.OUTCOME);
            if (QualityHeaders.FAIL.equals(outcome)) {
                String reason = QualityHeaders.text(r.headers(), QualityHeaders.REASON);
                audit("connect.task.fail", Map.of("connector", taskName, "reason", String.valueOf(reason)));
                throw new ConnectException("quality stage stopped the pipeline: " + reason + " (record " + r.originalTopic() + "-"
                        + r.originalKafkaPartition() + "@" + r.originalKafkaOffset() + ")");
            }
            if (QualityHeaders.DEAD_LETTER.equals(outcome)) {
                reportDeadLetter(r, new QualityCheckException(QualityHeaders.text(r.headers(), QualityHeaders.FAILED_CHECKS)));
                ChangeEvent e = reader.read(r);
                if (e != null) {
                    deadLettered.add(e);
                    deadLetterRules.add(QualityHeaders.text(r.headers(), QualityHeaders.RULE_ID));
                }
                pending.add(new Pending(r, null));
                continue;
            }
            ChangeEvent event;
            try {
                event = reader.read(r);
            } catch (RuntimeException e) {
                reportDeadLetter(r, new DataException("not a change event the product can read: " + e.getMessage(), e));
                pending.add(new Pending(r, null));
                continue;
            }
            pending.add(new Pending(r, event));
        }
        if (pending.size() >= config.batchSize()) {
            flush(false);
        }
    }

    private void reportDeadLetter(SinkRecord record, Throwable why) {
        if (reporter == null) {
            throw new ConnectException("record " + record.originalTopic() + "-" + record.originalKafkaPartition() + "@"
                    + record.originalKafkaOffset() + " goes to the dead-letter queue, but the connector has none: set "
                    + "errors.tolerance=all and errors.deadletterqueue.topic.name. Reason: " + why.getMessage(), why);
        }
        reporter.report(record, why);
    }

    /**
     * Writes every pending event; on success their offsets become committable. A transient failure keeps
     * them for the next attempt and returns false (or throws {@link RetriableException} when asked).
     */
    private boolean flush(boolean throwRetriable) {
        if (pending.isEmpty()) {
            return true;
        }
        List<ChangeEvent> events = new ArrayList<>(pending.size());
        recordsOfBatch.clear();
        for (Pending p : pending) {
            if (p.event() != null) {
                events.add(p.event());
                recordsOfBatch.put(p.event().position(), p.record());
            }
        }
        if (schemas != null && !events.isEmpty()) {
            registerSchemas(events);
        }
        try {
            if (!events.isEmpty()) {
                write(events);
            }
        } catch (EtlException e) {
            if (e.isRetriable()) {
                lastWriteFailed = true;
                LOG.warn("{}: writing {} events failed, kept for a retry: {}", taskName, events.size(), Secrets.maskText(e.getMessage()));
                if (throwRetriable) {
                    throw new RetriableException(Secrets.maskText(e.getMessage()), e);
                }
                return false;
            }
            audit("connect.task.fail", Map.of("connector", taskName, "reason", Secrets.maskText(String.valueOf(e.getMessage()))));
            throw new ConnectException("sink '" + config.sinkId() + "' failed: " + Secrets.maskText(e.getMessage()), e);
        } catch (Exception e) {
            audit("connect.task.fail", Map.of("connector", taskName, "reason", Secrets.maskText(String.valueOf(e.getMessage()))));
            throw new ConnectException("sink '" + config.sinkId() + "' failed: " + Secrets.maskText(String.valueOf(e.getMessage())), e);
        }
        lastWriteFailed = false;
        for (Pending p : pending) {
            TopicPartition tp = new TopicPartition(p.record().topic(), p.record().kafkaPartition());
            durable.merge(tp, p.record().kafkaOffset() + 1, Math::max);
        }
        if (lineage != null) {
            lineage.record(events, deadLettered, deadLetterRules, java.time.Instant.now());
        }
        pending.clear();
        deadLettered.clear();
        deadLetterRules.clear();
        recordsOfBatch.clear();
        return true;
    }

    /**
     * Registers the captured tables' schemas as the embedded schema stage does (subject
     * {@code <source_id>_<table>}), from the records' schemas without the columns the rules add.
     */
    private void registerSchemas(List<ChangeEvent> events) {
        List<ChangeEvent> shaped = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
            shaped.add(e.schema() == null ? e : e.withSchema(sourceShapes.computeIfAbsent(e.schema(), this::withoutRuleColumns)));
        }
        if (sourceShapes.size() > 1024) {
            sourceShapes.clear();
        }
        List<String> refused = new ArrayList<>();
        schemas.apply(shaped, new TransformCollector() {
            @Override public void emit(ChangeEvent event) { }
            @Override public void filter(ChangeEvent event, String ruleId) { }
            @Override public void drop(ChangeEvent event, String ruleId, String reason) { }
            @Override public void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details) { }
            @Override public void failSource(String sourceId, String reason) { refused.add(reason); }
            @Override public void failPipeline(String reason) { refused.add(reason); }
        });
        if (!refused.isEmpty()) {
            audit("connect.task.fail", Map.of("connector", taskName, "reason", Secrets.maskText(refused.get(0))));
            throw new ConnectException("schema stage stopped the sink: " + Secrets.maskText(refused.get(0)));
        }
    }

    private TableSchema withoutRuleColumns(TableSchema t) {
        if (ruleTargets.isEmpty()) {
            return t;
        }
        return new TableSchema(t.collection(), t.columns().stream().filter(c -> !ruleTargets.contains(c.name())).toList(), t.primaryKey());
    }

    private void write(List<ChangeEvent> events) throws Exception {
        if (shared != null) {
            shared.write(events);
            return;
        }
        Map<TopicPartition, List<ChangeEvent>> byPartition = new LinkedHashMap<>();
        for (ChangeEvent e : events) {
            SinkRecord r = recordsOfBatch.get(e.position());
            byPartition.computeIfAbsent(new TopicPartition(r.topic(), r.kafkaPartition()), k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<TopicPartition, List<ChangeEvent>> part : byPartition.entrySet()) {
            perPartition.computeIfAbsent(part.getKey(), this::openPartitionSink).write(part.getValue());
        }
    }

    /** The partition's own sink: the partitioned option (file: path) gets {@code -<topic>-<partition>} before its extension. */
    private Sink openPartitionSink(TopicPartition tp) {
        Object base = definition.config().get(partitionedOption);
        String value = String.valueOf(base);
        String suffix = "-" + tp.topic() + "-" + tp.partition();
        int slash = Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\'));
        int dot = value.lastIndexOf('.');
        String derived = dot > slash ? value.substring(0, dot) + suffix + value.substring(dot) : value + suffix;
        return openSink(definition.withConfig(partitionedOption, derived));
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        flush(false);
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            Long next = durable.get(tp);
            if (next != null) {
                out.put(tp, new OffsetAndMetadata(next));
            }
        }
        return out;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        // what is still pending for these partitions was not committed: their new owner re-reads it
        pending.removeIf(p -> partitions.contains(new TopicPartition(p.record().topic(), p.record().kafkaPartition())));
        for (TopicPartition tp : partitions) {
            durable.remove(tp);
            Sink sink = perPartition.remove(tp);
            if (sink != null) {
                closeQuietly(sink);
            }
        }
    }

    @Override
    public void stop() {
        audit("connect.task.stop", Map.of("connector", taskName));
        perPartition.values().forEach(this::closeQuietly);
        perPartition.clear();
        if (shared != null) {
            closeQuietly(shared);
            shared = null;
        }
        if (stateDatabase != null) {
            stateDatabase.close();
            stateDatabase = null;
        }
    }

    private void closeQuietly(Sink sink) {
        try {
            sink.close();
        } catch (Exception e) {
            LOG.warn("{}: closing the sink failed: {}", taskName, e.toString());
        }
    }

    private void audit(String action, Map<String, Object> details) {
        if (audit == null) {
            return;
        }
        try {
            audit.append(AuditEntry.of("connect", action, config.sinkId(), details));
        } catch (RuntimeException e) {
            LOG.warn("{}: could not write audit entry {}: {}", taskName, action, e.toString());
        }
    }

    private static AssetKind assetKind(String type) {
        return switch (type) {
            case "file" -> AssetKind.FILE;
            case "kafka" -> AssetKind.TOPIC;
            default -> AssetKind.SINK_TABLE;
        };
    }

    /** What the product's sink gets: records it refuses for good go to the dead-letter queue. */
    private final class TaskSinkContext implements SinkContext {
        private final String id;

        TaskSinkContext(String id) {
            this.id = id;
        }

        @Override
        public String sinkId() {
            return id;
        }

        @Override
        public void deadLetter(ChangeEvent event, String reason) {
            SinkRecord record = recordsOfBatch.get(event.position());
            if (record == null) {
                throw new ConnectException("sink '" + id + "' refused a record it was not given: " + reason);
            }
            reportDeadLetter(record, new DataException("sink '" + id + "' refused the record: " + reason));
            deadLettered.add(event);
            deadLetterRules.add(null);
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    }
}
