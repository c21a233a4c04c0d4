package io.etlcdc.server.runtime;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.pipeline.Pipeline;
import io.etlcdc.core.pipeline.PipelineBuilder;
import io.etlcdc.core.pipeline.PipelineListener;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.core.pipeline.PipelineStatus;
import io.etlcdc.core.spi.DeadLetter;
import io.etlcdc.core.spi.DeadLetterSink;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.spi.OffsetStore;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkProvider;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceProvider;
import io.etlcdc.core.spi.StateStore;
import io.etlcdc.core.spi.Transform;
import io.etlcdc.server.ha.Ownership;
import io.etlcdc.lineage.AuditActions;
import io.etlcdc.lineage.AuditTrail;
import io.etlcdc.server.plugins.Registries;
import io.etlcdc.server.state.DefinitionStore;
import io.etlcdc.server.state.DefinitionStore.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Owns the running pipeline and what it is made of: source and sink definitions (from the config
 * files and from the API, the latter persisted), which sources are started with which tables, and
 * the stages (schema tracker, rules, quality gate). Every change is audited. Thread-safe: API calls
 * are serialized.
 */
public final class PipelineManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineManager.class);

    /** The processing stages, built by the server from the transform, quality and schema modules. */
    public record Stages(Transform schemaTracker, List<Transform> transforms, Transform quality) {
        public static Stages none() {
            return new Stages(null, List.of(), null);
        }
    }

    private final Registries registries;
    private final DefinitionStore definitions;
    private final OffsetStore offsetStore;
    private final StateStore stateStore;
    private final DataSource stateDataSource;
    private final DeadLetterSink deadLetters;
    private final LineageStore lineageStore;
    private final AuditTrail audit;
    private final Path dataDir;
    private final int bufferSize;
    private final Clock clock;
    private final Supplier<Stages> stages;
    private final Map<String, ConnectorDefinition> declaredSources;
    private final Map<String, ConnectorDefinition> declaredSinks;
    private final List<PipelineListener> listeners = new ArrayList<>();

    private final Ownership ownership;
    /** Runs the pipeline instead of this process (Connect mode), or null. */
    private final ExternalRuntime external;
    /** Takes server-handled options (schema_change_policy) out of a source definition before its provider sees it. */
    private final java.util.function.UnaryOperator<ConnectorDefinition> serverOptions;
    /** Runs first in every reconcile, e.g. to pick up rules another replica added. */
    private final Runnable beforeReconcile;
    /** True when several replicas may share the state database (ownership is a lease). */
    private final boolean shared;
    private final Map<String, Long> appliedSourceGenerations = new LinkedHashMap<>();
    private Pipeline pipeline;
    private long appliedPipelineGeneration = -1;
    private String appliedSinks = "";
    private String lastFailure;
    private java.util.concurrent.ScheduledExecutorService loop;

    /** Everything the manager needs; built by the server. */
    public record Parts(Registries registries, DefinitionStore definitions, OffsetStore offsetStore, StateStore stateStore,
                        DataSource stateDataSource, DeadLetterSink deadLetters, LineageStore lineageStore, AuditTrail audit,
                        Path dataDir, int bufferSize, Clock clock, Supplier<Stages> stages,
                        List<ConnectorDefinition> declaredSources, List<ConnectorDefinition> declaredSinks, Ownership ownership,
                        Runnable beforeReconcile, java.util.function.UnaryOperator<ConnectorDefinition> serverOptions) {}

    /**
     * Where the pipeline runs when it does not run in this process: Kafka Connect
     * ({@code io.etlcdc.server.connect}). The owner hands it the desired state at every reconcile (with
     * the manager's lock held); status and failures come from it on every replica.
     */
    public interface ExternalRuntime extends AutoCloseable {
        /** Brings the external runtime in line with the desired state; throws what stopped it. */
        void apply(Desired desired);

        /** The pipeline's status as the runtime reports it; empty when nothing is deployed. */
        Optional<PipelineStatus> status();

        /** Re-reads tables of a source as snapshot events; throws when the runtime cannot. */
        void snapshot(String sourceId, List<String> tables);

        /** Releases clients; what was deployed keeps running. */
        @Override
        default void close() {
        }
    }

    /** What should run: every source (definition with tables and server options applied) and every sink. */
    public record Desired(boolean running, long generation, Map<String, DesiredSource> sources,
                          Map<String, ConnectorDefinition> sinks) {}

    /** A source as it should run: its effective definition, whether it is started, and its start generation. */
    public record DesiredSource(ConnectorDefinition definition, boolean enabled, long generation) {}

    public PipelineManager(Parts p) {
        this(p, null);
    }

    /** A manager whose pipeline runs in {@code external} instead of this process (null: in this process). */
    public PipelineManager(Parts p, ExternalRuntime external) {
        this.external = external;
        this.registries = p.registries();
        this.definitions = p.definitions();
        this.offsetStore = p.offsetStore();
        this.stateStore = p.stateStore();
        this.stateDataSource = p.stateDataSource();
        this.deadLetters = p.deadLetters();
        this.lineageStore = p.lineageStore();
        this.audit = p.audit();
        this.dataDir = p.dataDir();
        this.bufferSize = p.bufferSize();
        this.clock = p.clock();
        this.stages = p.stages();
        this.declaredSources = byId(p.declaredSources());
        this.declaredSinks = byId(p.declaredSinks());
        this.ownership = p.ownership();
        this.beforeReconcile = p.beforeReconcile() == null ? () -> { } : p.beforeReconcile();
        this.serverOptions = p.serverOptions() == null ? d -> d : p.serverOptions();
        this.shared = !(p.ownership().current().map(l -> l.expiresAt() == null).orElse(false));
    }

    /**
     * Applies the desired state now and then every {@code period}: takes or renews ownership, and on
     * the owner starts, stops and restarts what the stored definitions ask for. On other replicas it
     * makes sure no pipeline runs.
     */
    public synchronized void startReconciling(Duration period) {
        if (loop != null) {
            return;
        }
        ownership.acquireOrRenew();
        reconcile();
        // renewal on its own thread, so that a slow reconcile (a sink restart) never lets the lease lapse
        loop = java.util.concurrent.Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "etl-reconciler");
            t.setDaemon(true);
            return t;
        });
        // the owner renews every renewEvery; a standby tries every second (at most), so that a lease released by a
        // graceful stop is taken within a second, and the new owner starts the pipeline at once instead of at the
        // next reconcile
        long renewNanos = ownership.renewEvery().toNanos();
        long tickMillis = Math.max(1, Math.min(1_000, ownership.renewEvery().toMillis()));
        java.util.concurrent.ScheduledExecutorService l = loop;
        long[] lastRenewal = {System.nanoTime()};
        loop.scheduleWithFixedDelay(() -> {
            try {
                boolean wasOwner = ownership.isOwner();
                long now = System.nanoTime();
                if (wasOwner && now - lastRenewal[0] < renewNanos - tickMillis * 1_000_000L) {
                    return;
                }
                lastRenewal[0] = now;
                if (ownership.acquireOrRenew() && !wasOwner) {
                    l.execute(() -> {
                        try {
                            reconcile();
                        } catch (RuntimeException e) {
                            LOG.warn("reconciling the pipeline failed: {}", e.toString());
                        }
                    });
                }
            } catch (RuntimeException e) {
                LOG.warn("renewing pipeline ownership failed: {}", e.toString());
            }
        }, tickMillis, tickMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(() -> {
            try {
                reconcile();
            } catch (RuntimeException e) {
                LOG.warn("reconciling the pipeline failed: {}", e.toString());
            }
        }, period.toMillis(), period.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public Ownership ownership() {
        return ownership;
    }

    private static Map<String, ConnectorDefinition> byId(List<ConnectorDefinition> defs) {
        Map<String, ConnectorDefinition> m = new LinkedHashMap<>();
        defs.forEach(d -> m.put(d.id(), d));
        return m;
    }

    /** Adds a listener to every pipeline started from now on. */
    public synchronized void addListener(PipelineListener listener) {
        listeners.add(listener);
    }

    // ---- definitions ----------------------------------------------------------------------------

    /** Sources from the config files, then those created through the API. */
    public synchronized Map<String, ConnectorDefinition> sources() {
        Map<String, ConnectorDefinition> all = new LinkedHashMap<>(declaredSources);
        definitions.list(Kind.SOURCE).forEach((id, body) -> all.putIfAbsent(id, toDefinition(body)));
        return all;
    }

    public synchronized Map<String, ConnectorDefinition> sinks() {
        Map<String, ConnectorDefinition> all = new LinkedHashMap<>(declaredSinks);
        definitions.list(Kind.SINK).forEach((id, body) -> all.putIfAbsent(id, toDefinition(body)));
        return all;
    }

    public synchronized ConnectorDefinition source(String id) {
        ConnectorDefinition d = sources().get(id);
        if (d == null) {
            throw new EtlException(ErrorCode.NOT_FOUND, "no source with id '" + id + "'");
        }
        return d;
    }

    /** Whether a source is enabled and with which tables. */
    public synchronized SourceRun run(String sourceId) {
        return definitions.get(Kind.SOURCE_RUN, sourceId).map(SourceRun::fromMap).orElse(new SourceRun(false, List.of(), 0));
    }

    /**
     * Checks a source definition (type known, options valid, database reachable and ready) and keeps it.
     *
     * @throws EtlException CONFIG_INVALID (every bad key), UNKNOWN_PROVIDER, CONFLICT (id taken),
     *                      CONNECTION_FAILED (with what to fix)
     */
    public synchronized ConnectorDefinition connectSource(ConnectorDefinition def, String actor) {
        checkId(def.id(), "source");
        if (sources().containsKey(def.id())) {
            throw new EtlException(ErrorCode.CONFLICT, "a source with id '" + def.id() + "' already exists; delete it first");
        }
        SourceProvider provider = registries.sources().get(def.type());
        ConnectorDefinition forProvider = serverOptions.apply(def);
        throwIfInvalid("source '" + def.id() + "'", provider.validate(forProvider));
        checkConnection(def, () -> provider.checkConnection(context(forProvider, provider)));
        definitions.put(Kind.SOURCE, def.id(), toMap(def));
        audit.record(actor, "source.connect", def.id(), Map.of("type", def.type(), "connection_string",
                Secrets.maskText(String.valueOf(def.connectionString()))));
        return def;
    }

    public synchronized void deleteSource(String id, String actor) {
        source(id);
        if (declaredSources.containsKey(id)) {
            throw new EtlException(ErrorCode.CONFLICT, "source '" + id + "' is declared in config/cdc.yaml; remove it there");
        }
        definitions.delete(Kind.SOURCE, id);
        definitions.delete(Kind.SOURCE_RUN, id);
        reconcileAndReport();
        offsetStore.reset(id);
        audit.record(actor, "source.delete", id, Map.of());
    }

    public synchronized ConnectorDefinition connectSink(ConnectorDefinition def, String actor) {
        checkId(def.id(), "sink");
        if (sinks().containsKey(def.id())) {
            throw new EtlException(ErrorCode.CONFLICT, "a sink with id '" + def.id() + "' already exists; delete it first");
        }
        SinkProvider provider = registries.sinks().get(def.type());
        throwIfInvalid("sink '" + def.id() + "'", provider.validate(def));
        checkConnection(def, () -> provider.checkConnection(context(def, provider)));
        definitions.put(Kind.SINK, def.id(), toMap(def));
        audit.record(actor, "sink.connect", def.id(), Map.of("type", def.type()));
        reconcileAndReport();
        return def;
    }

    public synchronized void deleteSink(String id, String actor) {
        if (!sinks().containsKey(id)) {
            throw new EtlException(ErrorCode.NOT_FOUND, "no sink with id '" + id + "'");
        }
        if (declaredSinks.containsKey(id)) {
            throw new EtlException(ErrorCode.CONFLICT, "sink '" + id + "' is declared in config/connectors.yaml; remove it there");
        }
        definitions.delete(Kind.SINK, id);
        audit.record(actor, "sink.delete", id, Map.of());
        reconcileAndReport();
    }

    // ---- desired state (written by any replica) -------------------------------------------------

    /** Asks for the pipeline to run (sinks, stages and every enabled source); a new request also restarts a failed pipeline. */
    public synchronized void startPipeline(String actor) {
        Map<String, Object> desired = desired();
        long generation = ((Number) desired.getOrDefault("generation", 0L)).longValue();
        boolean restartNeeded = pipeline == null || pipeline.state().isTerminal();
        definitions.put(Kind.PIPELINE, "desired", Map.of("running", true, "generation", restartNeeded ? generation + 1 : generation));
        audit.record(actor, "pipeline.start", "pipeline", Map.of("sinks", List.copyOf(sinks().keySet())));
        reconcileAndReport();
    }

    /** Asks for the pipeline to stop gracefully (buffered events delivered and committed); sources keep their enabled flag. */
    public synchronized void stopPipeline(String actor) {
        Map<String, Object> desired = desired();
        definitions.put(Kind.PIPELINE, "desired", Map.of("running", false, "generation", desired.getOrDefault("generation", 0L)));
        audit.record(actor, "pipeline.stop", "pipeline", Map.of());
        reconcileAndReport();
    }

    /**
     * Asks for capture of a source, for the given tables (empty: its configured tables); the pipeline
     * is started when it is not running.
     */
    public synchronized void startSource(String id, List<String> tables, String actor) {
        ConnectorDefinition def = source(id);
        SourceProvider provider = registries.sources().get(def.type());
        ConnectorDefinition effective = serverOptions.apply(withTables(def, tables));
        throwIfInvalid("source '" + id + "'", provider.validate(effective));
        definitions.put(Kind.SOURCE_RUN, id, new SourceRun(true, tables, run(id).generation() + 1).toMap());
        audit.record(actor, "source.start", id, Map.of("tables", tables));
        if (!Boolean.TRUE.equals(desired().get("running")) || (pipeline != null && pipeline.state().isTerminal())) {
            startPipeline(actor);
        } else {
            reconcileAndReport();
        }
    }

    public synchronized void stopSource(String id, String actor) {
        source(id);
        SourceRun run = run(id);
        definitions.put(Kind.SOURCE_RUN, id, new SourceRun(false, run.tables(), run.generation()).toMap());
        audit.record(actor, "source.stop", id, Map.of());
        reconcileAndReport();
    }

    /** Re-reads the given tables of a running source as snapshot events. */
    public synchronized void snapshot(String id, List<String> tables, String actor) {
        source(id);
        if (!run(id).enabled()) {
            throw new EtlException(ErrorCode.CONFLICT, "source '" + id + "' is not started; start it first");
        }
        definitions.put(Kind.SNAPSHOT_REQUEST, id + "@" + System.nanoTime(), Map.of("source", id, "tables", List.copyOf(tables)));
        audit.record(actor, "source.snapshot", id, Map.of("tables", tables));
        reconcileAndReport();
    }

    private Map<String, Object> desired() {
        return definitions.get(Kind.PIPELINE, "desired").orElse(Map.of("running", false, "generation", 0L));
    }

    /** Reconciles right away when this replica owns the pipeline; surfaces a start failure to the caller. */
    private void reconcileAndReport() {
        if (!ownership.isOwner()) {
            return;
        }
        reconcile();
        if (pipeline == null && lastFailure != null && Boolean.TRUE.equals(desired().get("running"))) {
            throw new EtlException(ErrorCode.SINK_FAILED, "the pipeline could not start: " + lastFailure);
        }
    }

    // ---- actual state (the owner applies the desired state) -------------------------------------

    /** Brings the running pipeline in line with the stored desired state. Called after every change and periodically. */
    public synchronized void reconcile() {
        try {
            beforeReconcile.run();
        } catch (RuntimeException e) {
            LOG.warn("syncing rules before reconcile failed: {}", e.toString());
        }
        if (external != null) {
            reconcileExternal();
            return;
        }
        if (!ownership.isOwner()) {
            if (pipeline != null && !pipeline.state().isTerminal()) {
                LOG.warn("replica {} does not own the pipeline any more: stopping it", ownership.replicaId());
                pipeline.stop();
            }
            pipeline = null;
            appliedSourceGenerations.clear();
            return;
        }
        Map<String, Object> desired = desired();
        if (!Boolean.TRUE.equals(desired.get("running"))) {
            if (pipeline != null && !pipeline.state().isTerminal()) {
                pipeline.stop();
            }
            appliedSourceGenerations.clear();
            return;
        }
        long generation = ((Number) desired.getOrDefault("generation", 0L)).longValue();
        String sinkFingerprint = sinks().toString();
        boolean stale = pipeline == null
                || (pipeline.state() == PipelineState.STOPPED)
                || (pipeline.state() == PipelineState.FAILED && generation != appliedPipelineGeneration)
                || !sinkFingerprint.equals(appliedSinks);
        if (stale) {
            if (pipeline != null && !pipeline.state().isTerminal()) {
                LOG.info("restarting the pipeline: its sinks changed");
                pipeline.stop();
            }
            appliedSourceGenerations.clear();
            appliedPipelineGeneration = generation;
            appliedSinks = sinkFingerprint;
            try {
                pipeline = build();
                pipeline.start();
                lastFailure = null;
            } catch (RuntimeException e) {
                lastFailure = e.getMessage();
                LOG.error("the pipeline could not start: {}", e.getMessage());
                pipeline = null;
                return;
            }
        }
        if (pipeline.state() != PipelineState.RUNNING) {
            return;
        }
        Map<String, ConnectorDefinition> sources = sources();
        for (Map.Entry<String, ConnectorDefinition> e : sources.entrySet()) {
            String id = e.getKey();
            SourceRun run = run(id);
            Long applied = appliedSourceGenerations.get(id);
            if (run.enabled()) {
                if (applied == null || applied != run.generation()) {
                    stopSourceQuietly(id);
                    appliedSourceGenerations.put(id, run.generation());
                    try {
                        addToPipeline(id, run.tables());
                    } catch (RuntimeException ex) {
                        LOG.error("source {} could not start: {}", id, ex.getMessage());
                        auditQuietly(AuditActions.SOURCE_FAIL, id, Map.of("error", String.valueOf(ex.getMessage())));
                    }
                }
            } else if (applied != null) {
                stopSourceQuietly(id);
                appliedSourceGenerations.remove(id);
            }
        }
        for (String id : List.copyOf(appliedSourceGenerations.keySet())) {
            if (!sources.containsKey(id)) {
                stopSourceQuietly(id);
                appliedSourceGenerations.remove(id);
            }
        }
        publishStatus();
        definitions.list(Kind.SNAPSHOT_REQUEST).forEach((requestId, body) -> {
            definitions.delete(Kind.SNAPSHOT_REQUEST, requestId);
            String source = String.valueOf(body.get("source"));
            @SuppressWarnings("unchecked")
            List<String> tables = (List<String>) body.getOrDefault("tables", List.of());
            try {
                pipeline.requestSnapshot(source, tables);
            } catch (RuntimeException ex) {
                LOG.error("re-snapshot of {} failed: {}", source, ex.getMessage());
                auditQuietly("source.snapshot.fail", source, Map.of("error", String.valueOf(ex.getMessage())));
            }
        });
    }

    private void reconcileExternal() {
        if (!ownership.isOwner()) {
            return;
        }
        try {
            Map<String, Object> d = desired();
            Map<String, DesiredSource> desiredSources = new LinkedHashMap<>();
            sources().forEach((id, def) -> {
                SourceRun run = run(id);
                desiredSources.put(id, new DesiredSource(serverOptions.apply(withTables(def, run.tables())), run.enabled(), run.generation()));
            });
            external.apply(new Desired(Boolean.TRUE.equals(d.get("running")), ((Number) d.getOrDefault("generation", 0L)).longValue(),
                    desiredSources, sinks()));
            lastFailure = null;
        } catch (RuntimeException e) {
            lastFailure = e.getMessage();
            LOG.warn("deploying the pipeline failed: {}", Secrets.maskText(String.valueOf(e.getMessage())));
        }
        definitions.list(Kind.SNAPSHOT_REQUEST).forEach((requestId, body) -> {
            definitions.delete(Kind.SNAPSHOT_REQUEST, requestId);
            String source = String.valueOf(body.get("source"));
            @SuppressWarnings("unchecked")
            List<String> tables = (List<String>) body.getOrDefault("tables", List.of());
            try {
                external.snapshot(source, tables);
            } catch (RuntimeException ex) {
                LOG.error("re-snapshot of {} failed: {}", source, ex.getMessage());
                auditQuietly("source.snapshot.fail", source, Map.of("error", String.valueOf(ex.getMessage())));
            }
        });
    }

    /**
     * The pipeline status as the owner last published it (every reconcile), for replicas that do not
     * run the pipeline themselves; empty in single-replica mode or before the first publication.
     */
    public Optional<Map<String, Object>> publishedStatus() {
        return definitions.get(Kind.STATUS, "pipeline");
    }

    private void publishStatus() {
        if (!shared || pipeline == null) {
            return;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = io.etlcdc.core.json.EtlJson.mapper().convertValue(pipeline.status(), Map.class);
            body.put("published_by", ownership.replicaId());
            body.put("published_at", clock.instant().toString());
            definitions.put(Kind.STATUS, "pipeline", body);
        } catch (RuntimeException e) {
            LOG.debug("could not publish the pipeline status: {}", e.toString());
        }
    }

    public synchronized boolean isRunning() {
        if (external != null) {
            return status().map(s -> s.state() == PipelineState.RUNNING).orElse(false);
        }
        return pipeline != null && pipeline.state() == PipelineState.RUNNING;
    }

    /** The running (or last) pipeline's status on this replica (in Connect mode: the cluster's); empty when it runs nowhere here. */
    public Optional<PipelineStatus> status() {
        if (external != null) {
            return external.status();
        }
        synchronized (this) {
            return Optional.ofNullable(pipeline).map(Pipeline::status);
        }
    }

    public synchronized Optional<String> lastFailure() {
        if (external != null) {
            return Optional.ofNullable(lastFailure).or(() -> status().map(PipelineStatus::failure));
        }
        if (pipeline != null && pipeline.failure().isPresent()) {
            return pipeline.failure();
        }
        return Optional.ofNullable(lastFailure);
    }

    /** Whether the pipeline is asked to run. */
    public synchronized boolean desiredRunning() {
        return Boolean.TRUE.equals(desired().get("running"));
    }

    public List<DeadLetter> recentDeadLetters(int limit) {
        return deadLetters.recent(limit);
    }

    /**
     * Runs dead-lettered events through the current rules and sinks again (after a fix); those that
     * fail again go back to the dead-letter sink. Positions are not moved.
     *
     * @return how many reached the sinks
     */
    public int replay(List<DeadLetter> letters, String actor) {
        java.util.concurrent.CompletableFuture<Integer> done;
        synchronized (this) {
            if (!ownership.isOwner()) {
                throw new EtlException(ErrorCode.CONFLICT, "replay on the replica that runs the pipeline ("
                        + ownership.current().map(Ownership.Lease::owner).orElse("none") + ")");
            }
            if (!isRunning()) {
                throw new EtlException(ErrorCode.CONFLICT, "the pipeline is not running; start it before replaying dead letters");
            }
            try {
                done = pipeline.replay(letters.stream().map(DeadLetter::event).toList());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EtlException(ErrorCode.CONFLICT, "interrupted while queueing the replay");
            }
        }
        audit.record(actor, "dead_letters.replay", "pipeline", Map.of("count", letters.size()));
        try {
            return done.get(120, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new EtlException(ErrorCode.SINK_FAILED, "the replay failed: " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new EtlException(ErrorCode.CONFLICT, "the replay is still running after 120 s; check /api/v1/pipeline/status");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EtlException(ErrorCode.CONFLICT, "interrupted while waiting for the replay");
        }
    }

    private Pipeline build() {
        Stages s = stages.get();
        PipelineBuilder b = Pipeline.builder().name("etl").bufferSize(bufferSize).clock(clock)
                .offsetStore(offsetStore).deadLetterSink(deadLetters).lineageStore(lineageStore)
                .stopTimeout(Duration.ofSeconds(30));
        if (s.schemaTracker() != null) {
            b.schemaTracker(s.schemaTracker());
        }
        s.transforms().forEach(b::transform);
        if (s.quality() != null) {
            b.quality(s.quality());
        }
        for (ConnectorDefinition def : sinks().values()) {
            SinkProvider provider = registries.sinks().get(def.type());
            Sink sink = provider.create(context(def, provider));
            b.sink(def.id(), sink, assetKind(def.type()));
        }
        b.listener(new PipelineListener() {
            @Override
            public void onStateChanged(PipelineState from, PipelineState to, String reason) {
                if (to == PipelineState.FAILED) {
                    auditQuietly(AuditActions.PIPELINE_FAIL, "pipeline", Map.of("reason", String.valueOf(reason)));
                }
                listeners.forEach(l -> l.onStateChanged(from, to, reason));
            }

            @Override
            public void onSourceFailed(String sourceId, Throwable error) {
                auditQuietly(AuditActions.SOURCE_FAIL, sourceId, Map.of("error", String.valueOf(error.getMessage())));
                listeners.forEach(l -> l.onSourceFailed(sourceId, error));
            }

            @Override
            public void onCommitted(String sourceId, io.etlcdc.core.event.Position position, int events) {
                listeners.forEach(l -> l.onCommitted(sourceId, position, events));
            }

            @Override
            public void onDeadLetters(List<DeadLetter> letters) {
                listeners.forEach(l -> l.onDeadLetters(letters));
            }
        });
        return b.build();
    }

    /** Audits from pipeline threads and the reconciler: a failing audit log is logged, never thrown. */
    private void auditQuietly(String action, String target, Map<String, Object> details) {
        try {
            audit.record(AuditActions.SYSTEM, action, target, details);
        } catch (RuntimeException e) {
            LOG.warn("could not write audit entry {} {}: {}", action, target, e.toString());
        }
    }

    private static AssetKind assetKind(String sinkType) {
        return switch (sinkType) {
            case "kafka" -> AssetKind.TOPIC;
            case "file" -> AssetKind.FILE;
            default -> AssetKind.SINK_TABLE;
        };
    }

    private void addToPipeline(String id, List<String> tables) {
        ConnectorDefinition def = serverOptions.apply(withTables(source(id), tables));
        SourceProvider provider = registries.sources().get(def.type());
        Source source = provider.create(context(def, provider));
        pipeline.addSource(id, source);
    }

    private void stopSourceQuietly(String id) {
        if (pipeline == null) {
            return;
        }
        try {
            pipeline.stopSource(id, Duration.ofSeconds(30));
        } catch (EtlException notThere) {
            // the source was not running in this pipeline
        }
    }

    private static ConnectorDefinition withTables(ConnectorDefinition def, List<String> tables) {
        return tables == null || tables.isEmpty() ? def : def.withConfig("tables", List.copyOf(tables));
    }

    private ProviderContext context(ConnectorDefinition def, io.etlcdc.core.spi.Provider provider) {
        return ProviderContext.builder(def.id()).definition(def).classLoader(Registries.classLoaderOf(provider))
                .clock(clock).dataDir(dataDir)
                .service(StateStore.class, stateStore)
                .service(OffsetStore.class, offsetStore)
                .service(DataSource.class, stateDataSource)
                .build();
    }

    /** A destination the user named that cannot be reached is bad input: reported against its connection string. */
    private static void checkConnection(ConnectorDefinition def, Runnable check) {
        try {
            check.run();
        } catch (ConfigException e) {
            throw e;
        } catch (EtlException e) {
            String key = def.connectionString() != null ? "connection_string" : "config";
            throw new ConfigException(def.id(), List.of(new ConfigError(key,
                    def.connectionString() == null ? null : Secrets.maskText(def.connectionString()), Secrets.maskText(e.getMessage()))));
        }
    }

    private static void throwIfInvalid(String what, List<ConfigError> errors) {
        if (!errors.isEmpty()) {
            throw new ConfigException(what, errors);
        }
    }

    private static void checkId(String id, String kind) {
        if (!ConnectorDefinition.isValidId(id)) {
            throw new ConfigException("id", id, kind + " ids use letters, digits, '_', '-', '.' and start with a letter or digit (at most 128)");
        }
    }

    static Map<String, Object> toMap(ConnectorDefinition d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("type", d.type());
        m.put("connection_string", d.connectionString());
        m.put("config", d.config());
        return m;
    }

    @SuppressWarnings("unchecked")
    static ConnectorDefinition toDefinition(Map<String, Object> m) {
        return new ConnectorDefinition((String) m.get("id"), (String) m.get("type"), (String) m.get("connection_string"),
                (Map<String, Object>) m.get("config"));
    }

    /** Stops reconciling, stops the pipeline gracefully and hands ownership over at once. */
    @Override
    public void close() {
        java.util.concurrent.ScheduledExecutorService l;
        synchronized (this) {
            l = loop;
            loop = null;
        }
        if (l != null) {
            l.shutdownNow();
        }
        if (external != null) {
            external.close();
        }
        synchronized (this) {
            if (pipeline != null) {
                pipeline.stop();
            }
            ownership.release();
        }
    }
}
