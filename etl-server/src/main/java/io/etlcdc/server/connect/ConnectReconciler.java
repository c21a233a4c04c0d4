package io.etlcdc.server.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.connect.ConnectorConfigs;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.metrics.MetricsSnapshot;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.core.pipeline.PipelineStatus;
import io.etlcdc.core.pipeline.SourceState;
import io.etlcdc.core.spi.ComponentHealth;
import io.etlcdc.core.spi.HealthStatus;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.SourceHealth;
import io.etlcdc.core.spi.SourceProvider;
import io.etlcdc.lineage.AuditActions;
import io.etlcdc.lineage.AuditTrail;
import io.etlcdc.server.config.ServerSettings;
import io.etlcdc.server.plugins.Registries;
import io.etlcdc.server.runtime.PipelineManager;
import io.etlcdc.server.runtime.RuleSets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server's Connect mode: the pipeline the REST API describes runs on a Kafka Connect cluster. On the
 * replica that owns the pipeline, every reconcile brings the cluster in line with the stored desired
 * state through Connect's REST API:
 * <ul>
 *   <li>each started source is a source connector {@code etl-source-<id>} (its type's own Connect
 *   configuration, {@code SourceProvider.kafkaConnectConfig}, e.g. Debezium's PostgreSQL connector),
 *   deployed when the source is started and paused when it is stopped; a new table list updates its
 *   include list;</li>
 *   <li>each sink is a sink connector {@code etl-sink-<id>} reading the started sources' change topics,
 *   with the current transformation and quality rules as its transformation chain, the dead-letter
 *   topic {@code etl-dlq-<id>} and the state database for lineage and audit;</li>
 *   <li>pipeline stop pauses every connector, start resumes them; a new start request restarts failed
 *   connectors and tasks; a deleted source or sink deletes its connector.</li>
 * </ul>
 * Connectors whose configuration already matches are left alone, so a reconcile that changes nothing
 * costs a few GETs. Status, health and lag come from Connect's status API and the sink connectors'
 * consumer-group lag (when {@code KAFKA_BOOTSTRAP_SERVERS} is set), on any replica.
 *
 * <p>Thread-safety: {@link #apply} is called under the pipeline manager's lock; {@link #status} from any
 * thread (it caches the cluster's answer for a second).
 */
public final class ConnectReconciler implements PipelineManager.ExternalRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectReconciler.class);
    private static final Duration STATUS_TTL = Duration.ofSeconds(1);

    private final ConnectRestClient client;
    private final Registries registries;
    private final Supplier<String> rulesText;
    private final Supplier<String> qualityText;
    private final String stateDatabaseUrl;
    private final ConsumerLag lag;
    private final ConnectorConfigs.Options options;
    private final AuditTrail audit;
    private final Clock clock;

    /** Source id → the definition its connector config was computed from, and that config (computing it connects to the database). */
    private final Map<String, Map.Entry<Object, Map<String, String>>> sourceConfigs = new HashMap<>();
    private long appliedGeneration = -1;
    private volatile Map.Entry<Instant, Optional<PipelineStatus>> cachedStatus;

    public ConnectReconciler(String connectUrl, Registries registries, Supplier<String> rulesText, Supplier<String> qualityText,
                             String stateDatabaseUrl, Optional<String> bootstrapServers, ConnectorConfigs.Options options,
                             AuditTrail audit, Clock clock) {
        this.client = new ConnectRestClient(connectUrl);
        this.registries = Objects.requireNonNull(registries, "registries");
        this.rulesText = rulesText;
        this.qualityText = qualityText;
        this.stateDatabaseUrl = stateDatabaseUrl;
        this.lag = bootstrapServers.map(ConsumerLag::new).orElse(null);
        this.options = options;
        this.audit = audit;
        this.clock = clock;
    }

    /** The reconciler the server runs with: rules from its rule sets, lineage into its {@code DATABASE_URL}. */
    public static ConnectReconciler forServer(String connectUrl, ServerSettings settings, Registries registries, RuleSets rules,
                                              AuditTrail audit) {
        return new ConnectReconciler(connectUrl, registries,
                () -> ConnectorConfigs.rulesJson(rules.engine().list()),
                () -> ConnectorConfigs.rulesJson(rules.gate().qualityRules()),
                settings.databaseUrl().orElse(null), settings.kafkaBootstrapServers(), ConnectorConfigs.Options.defaults(),
                audit, Clock.systemUTC());
    }

    // ---- desired state → cluster -------------------------------------------------------------

    @Override
    public void apply(PipelineManager.Desired desired) {
        Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
        Map<String, Boolean> running = new HashMap<>();
        List<String> topics = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, PipelineManager.DesiredSource> e : desired.sources().entrySet()) {
            PipelineManager.DesiredSource s = e.getValue();
            if (!s.enabled()) {
                continue;
            }
            try {
                wanted.put(ConnectorConfigs.sourceConnectorName(e.getKey()), sourceConfig(s.definition()));
                running.put(ConnectorConfigs.sourceConnectorName(e.getKey()), desired.running());
                topics.addAll(ConnectorConfigs.topics(e.getKey(), tables(s.definition())));
            } catch (RuntimeException ex) {
                problems.add("source '" + e.getKey() + "': " + Secrets.maskText(ex.getMessage()));
            }
        }
        if (!topics.isEmpty()) {
            String rules = rulesText.get();
            String quality = qualityText.get();
            for (ConnectorDefinition sink : desired.sinks().values()) {
                try {
                    wanted.put(ConnectorConfigs.sinkConnectorName(sink.id()),
                            ConnectorConfigs.sink(sink, topics, rules, quality, stateDatabaseUrl, options));
                    running.put(ConnectorConfigs.sinkConnectorName(sink.id()), desired.running());
                } catch (RuntimeException ex) {
                    problems.add("sink '" + sink.id() + "': " + ex.getMessage());
                }
            }
        }
        JsonNode statuses = client.statuses();
        for (Map.Entry<String, Map<String, String>> w : wanted.entrySet()) {
            String name = w.getKey();
            Optional<Map<String, String>> current = client.config(name);
            boolean changed = current.map(c -> {
                Map<String, String> copy = new LinkedHashMap<>(c);
                copy.remove("name");
                return !copy.equals(w.getValue());
            }).orElse(true);
            if (changed) {
                client.putConfig(name, w.getValue());
                audit(current.isPresent() ? "connect.connector.update" : "connect.connector.deploy", name);
            }
            String state = statuses.path(name).path("status").path("connector").path("state").asText("");
            if (running.get(name) && "PAUSED".equals(state)) {
                client.resume(name);
            } else if (!running.get(name) && !"PAUSED".equals(state)) {
                client.pause(name);
            }
        }
        for (Iterator<String> it = statuses.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (wanted.containsKey(name)) {
                continue;
            }
            if (name.startsWith(ConnectorConfigs.SOURCE_PREFIX)) {
                String id = name.substring(ConnectorConfigs.SOURCE_PREFIX.length());
                if (desired.sources().containsKey(id) && !problems.toString().contains("source '" + id + "'")) {
                    if (!"PAUSED".equals(statuses.path(name).path("status").path("connector").path("state").asText())) {
                        client.pause(name); // stopped source: it keeps its offsets and resumes from them
                    }
                } else if (!desired.sources().containsKey(id)) {
                    client.delete(name);
                    sourceConfigs.remove(id);
                    audit("connect.connector.delete", name);
                }
            } else if (name.startsWith(ConnectorConfigs.SINK_PREFIX)) {
                String id = name.substring(ConnectorConfigs.SINK_PREFIX.length());
                if (!desired.sinks().containsKey(id)) {
                    client.delete(name);
                    audit("connect.connector.delete", name);
                } else if (!"PAUSED".equals(statuses.path(name).path("status").path("connector").path("state").asText())) {
                    client.pause(name);
                }
            }
        }
        if (appliedGeneration >= 0 && desired.generation() != appliedGeneration) {
            for (String name : wanted.keySet()) {
                if (hasFailure(statuses.path(name))) {
                    client.restartFailed(name);
                    audit("connect.connector.restart", name);
                }
            }
        }
        appliedGeneration = desired.generation();
        cachedStatus = null;
        if (!problems.isEmpty()) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "cannot deploy to Kafka Connect: " + String.join("; ", problems));
        }
    }

    /** The source's connector config; computed (which prepares the database) only when its definition changed. */
    private Map<String, String> sourceConfig(ConnectorDefinition def) {
        Map.Entry<Object, Map<String, String>> cached = sourceConfigs.get(def.id());
        if (cached != null && cached.getKey().equals(def)) {
            return cached.getValue();
        }
        SourceProvider provider = registries.sources().get(def.type());
        ProviderContext ctx = ProviderContext.builder(def.id()).definition(def).classLoader(Registries.classLoaderOf(provider))
                .clock(clock).build();
        Map<String, String> debezium = provider.kafkaConnectConfig(ctx).orElseThrow(() -> new EtlException(ErrorCode.CONFIG_INVALID,
                "type '" + def.type() + "' cannot run on Kafka Connect (no Connect configuration); types that can: postgresql"));
        Map<String, String> config = ConnectorConfigs.source(debezium, options);
        sourceConfigs.put(def.id(), Map.entry(def, config));
        return config;
    }

    @SuppressWarnings("unchecked")
    private static List<String> tables(ConnectorDefinition def) {
        Object t = def.config().get("tables");
        if (t instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        if (t instanceof String s && !s.isBlank()) {
            return List.of(s.split("\\s*,\\s*"));
        }
        throw new EtlException(ErrorCode.CONFIG_INVALID, "source '" + def.id() + "' names no tables; in Connect mode list them in "
                + "config.tables or in the start request, e.g. [\"users\", \"orders\"]");
    }

    private static boolean hasFailure(JsonNode status) {
        if ("FAILED".equals(status.path("status").path("connector").path("state").asText())) {
            return true;
        }
        for (JsonNode t : status.path("status").path("tasks")) {
            if ("FAILED".equals(t.path("state").asText())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void snapshot(String sourceId, List<String> tables) {
        throw new EtlException(ErrorCode.CONFIG_INVALID, "re-snapshot on request is not available in Connect mode yet; "
                + "send Debezium an execute-snapshot signal for source '" + sourceId + "' instead");
    }

    // ---- cluster → status --------------------------------------------------------------------

    @Override
    public Optional<PipelineStatus> status() {
        Map.Entry<Instant, Optional<PipelineStatus>> c = cachedStatus;
        Instant now = clock.instant();
        if (c != null && c.getKey().plus(STATUS_TTL).isAfter(now)) {
            return c.getValue();
        }
        Optional<PipelineStatus> fresh;
        try {
            fresh = readStatus();
        } catch (RuntimeException e) {
            fresh = Optional.of(new PipelineStatus("etl", PipelineState.FAILED, null, 0,
                    "Kafka Connect is unreachable: " + Secrets.maskText(e.getMessage()), 0, 0, List.of(), List.of(), emptyMetrics(0)));
        }
        cachedStatus = Map.entry(now, fresh);
        return fresh;
    }

    private Optional<PipelineStatus> readStatus() {
        JsonNode statuses = client.statuses();
        List<PipelineStatus.SourceStatus> sources = new ArrayList<>();
        List<PipelineStatus.SinkStatus> sinks = new ArrayList<>();
        String failure = null;
        boolean anyRunning = false;
        boolean any = false;
        long delivered = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = statuses.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            boolean source = name.startsWith(ConnectorConfigs.SOURCE_PREFIX);
            if (!source && !name.startsWith(ConnectorConfigs.SINK_PREFIX)) {
                continue;
            }
            any = true;
            JsonNode st = e.getValue().path("status");
            String state = st.path("connector").path("state").asText("UNASSIGNED");
            String trace = firstLine(st.path("connector").path("trace").asText(null));
            List<Map<String, Object>> tasks = new ArrayList<>();
            boolean taskFailed = false;
            boolean taskRunning = false;
            for (JsonNode t : st.path("tasks")) {
                Map<String, Object> task = new LinkedHashMap<>();
                task.put("id", t.path("id").asInt());
                task.put("state", t.path("state").asText());
                task.put("worker_id", t.path("worker_id").asText());
                tasks.add(task);
                if ("FAILED".equals(t.path("state").asText())) {
                    taskFailed = true;
                    trace = trace != null ? trace : firstLine(t.path("trace").asText(null));
                }
                taskRunning |= "RUNNING".equals(t.path("state").asText());
            }
            boolean failed = "FAILED".equals(state) || taskFailed;
            boolean isRunning = "RUNNING".equals(state) && taskRunning && !failed;
            anyRunning |= isRunning;
            if (failed && failure == null) {
                failure = name + ": " + (trace == null ? "failed" : trace);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("engine", "kafka-connect");
            details.put("connector", name);
            details.put("connector_state", state);
            details.put("worker_id", st.path("connector").path("worker_id").asText());
            details.put("tasks", tasks);
            HealthStatus health = failed ? HealthStatus.DOWN : isRunning ? HealthStatus.UP : HealthStatus.DEGRADED;
            if (source) {
                String id = name.substring(ConnectorConfigs.SOURCE_PREFIX.length());
                SourceState sourceState = failed ? SourceState.FAILED : "PAUSED".equals(state) || "STOPPED".equals(state)
                        ? SourceState.STOPPED : isRunning ? SourceState.RUNNING : SourceState.STARTING;
                sources.add(new PipelineStatus.SourceStatus(id, sourceState, committedPosition(name),
                        new SourceHealth(health, isRunning, null, -1, failed ? trace : null, Map.of(), details), failed ? trace : null, -1));
            } else {
                String id = name.substring(ConnectorConfigs.SINK_PREFIX.length());
                if (lag != null) {
                    ConsumerLag.Figures f = lag.of("connect-" + name);
                    details.put("consumer_lag", f.lag());
                    details.put("committed_records", f.committed());
                    delivered += f.committed();
                }
                details.put("dead_letter_topic", ConnectorConfigs.DLQ_PREFIX + id);
                sinks.add(new PipelineStatus.SinkStatus(id, new ComponentHealth(health, failed ? trace : null, details)));
            }
        }
        if (!any) {
            return Optional.empty();
        }
        PipelineState state = failure != null ? PipelineState.FAILED : anyRunning ? PipelineState.RUNNING : PipelineState.STOPPED;
        return Optional.of(new PipelineStatus("etl", state, null, 0, failure, 0, 0, sources, sinks, emptyMetrics(delivered)));
    }

    private String committedPosition(String connector) {
        try {
            JsonNode offsets = client.offsets(connector).orElse(null);
            if (offsets == null) {
                return null;
            }
            for (JsonNode o : offsets.path("offsets")) {
                JsonNode lsn = o.path("offset").path("lsn");
                if (!lsn.isMissingNode()) {
                    return "lsn:" + lsn.asText();
                }
                return o.path("offset").toString();
            }
        } catch (RuntimeException e) {
            LOG.debug("offsets of {} unavailable: {}", connector, e.toString());
        }
        return null;
    }

    private static MetricsSnapshot emptyMetrics(long delivered) {
        return new MetricsSnapshot(0, 0, delivered, 0, 0, 0, 0, 0, Map.of(), Map.of(), Map.of());
    }

    private static String firstLine(String trace) {
        if (trace == null || trace.isBlank()) {
            return null;
        }
        int nl = trace.indexOf('\n');
        return Secrets.maskText(nl < 0 ? trace : trace.substring(0, nl));
    }

    private void audit(String action, String connector) {
        try {
            audit.record(AuditActions.SYSTEM, action, connector, Map.of("connect_url", client.baseUrl()));
        } catch (RuntimeException e) {
            LOG.warn("could not audit {} {}: {}", action, connector, e.toString());
        }
    }

    @Override
    public void close() {
        if (lag != null) {
            lag.close();
        }
    }
}
