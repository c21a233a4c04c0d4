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
    private final Audit audit;
    private final Path dataDir;
    private final int bufferSize;
    private final Clock clock;
    private final Supplier<Stages> stages;
    private final Map<String, ConnectorDefinition> declaredSources;
    private final Map<String, ConnectorDefinition> declaredSinks;
    private final List<PipelineListener> listeners = new ArrayList<>();

    private Pipeline pipeline;
    private String lastFailure;

    /** Everything the manager needs; built by the server. */
    public record Parts(Registries registries, DefinitionStore definitions, OffsetStore offsetStore, StateStore stateStore,
                        DataSource stateDataSource, DeadLetterSink deadLetters, LineageStore lineageStore, Audit audit,
                        Path dataDir, int bufferSize, Clock clock, Supplier<Stages> stages,
                        List<ConnectorDefinition> declaredSources, List<ConnectorDefinition> declaredSinks) {}

    public PipelineManager(Parts p) {
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
        return definitions.get(Kind.SOURCE_RUN, sourceId).map(SourceRun::fromMap).orElse(new SourceRun(false, List.of()));
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
        throwIfInvalid("source '" + def.id() + "'", provider.validate(def));
        provider.checkConnection(context(def, provider));
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
        if (pipeline != null && !pipeline.state().isTerminal()) {
            stopSourceQuietly(id);
        }
        definitions.delete(Kind.SOURCE, id);
        definitions.delete(Kind.SOURCE_RUN, id);
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
        provider.checkConnection(context(def, provider));
        definitions.put(Kind.SINK, def.id(), toMap(def));
        audit.record(actor, "sink.connect", def.id(), Map.of("type", def.type()));
        restartIfRunning("sink '" + def.id() + "' added");
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
        restartIfRunning("sink '" + id + "' removed");
    }

    // ---- running --------------------------------------------------------------------------------

    /** Starts the pipeline (sinks, stages) and every enabled source; a no-op when running. */
    public synchronized void startPipeline(String actor) {
        if (isRunning()) {
            return;
        }
        pipeline = build();
        try {
            pipeline.start();
        } catch (RuntimeException e) {
            lastFailure = e.getMessage();
            pipeline = null;
            throw e;
        }
        lastFailure = null;
        audit.record(actor, "pipeline.start", "pipeline", Map.of("sinks", List.copyOf(sinks().keySet())));
        for (String id : sources().keySet()) {
            SourceRun run = run(id);
            if (run.enabled()) {
                addToPipeline(id, run.tables());
            }
        }
    }

    /** Stops the pipeline gracefully (buffered events are delivered and committed); sources keep their enabled flag. */
    public synchronized void stopPipeline(String actor) {
        if (pipeline != null) {
            pipeline.stop();
            audit.record(actor, "pipeline.stop", "pipeline", Map.of("state", pipeline.state().name()));
        }
    }

    /**
     * Starts capture of a source, for the given tables (empty: its configured tables), starting the
     * pipeline first when it is not running.
     */
    public synchronized void startSource(String id, List<String> tables, String actor) {
        ConnectorDefinition def = source(id);
        SourceProvider provider = registries.sources().get(def.type());
        ConnectorDefinition effective = withTables(def, tables);
        throwIfInvalid("source '" + id + "'", provider.validate(effective));
        definitions.put(Kind.SOURCE_RUN, id, new SourceRun(true, tables).toMap());
        audit.record(actor, "source.start", id, Map.of("tables", tables));
        if (!isRunning()) {
            startPipeline(actor);
        } else {
            stopSourceQuietly(id);
            addToPipeline(id, tables);
        }
    }

    public synchronized void stopSource(String id, String actor) {
        source(id);
        definitions.put(Kind.SOURCE_RUN, id, new SourceRun(false, run(id).tables()).toMap());
        stopSourceQuietly(id);
        audit.record(actor, "source.stop", id, Map.of());
    }

    /** Re-reads the given tables of a running source as snapshot events. */
    public synchronized void snapshot(String id, List<String> tables, String actor) {
        source(id);
        if (!isRunning()) {
            throw new EtlException(ErrorCode.CONFLICT, "the pipeline is not running; start source '" + id + "' first");
        }
        pipeline.requestSnapshot(id, tables);
        audit.record(actor, "source.snapshot", id, Map.of("tables", tables));
    }

    public synchronized boolean isRunning() {
        return pipeline != null && pipeline.state() == PipelineState.RUNNING;
    }

    /** The running (or last) pipeline's status; empty when none was started. */
    public synchronized Optional<PipelineStatus> status() {
        return Optional.ofNullable(pipeline).map(Pipeline::status);
    }

    public synchronized Optional<String> lastFailure() {
        if (pipeline != null && pipeline.failure().isPresent()) {
            return pipeline.failure();
        }
        return Optional.ofNullable(lastFailure);
    }

    public List<DeadLetter> recentDeadLetters(int limit) {
        return deadLetters.recent(limit);
    }

    /** Restarts with the same sources, e.g. after sinks changed; positions carry over. */
    public synchronized void restartIfRunning(String why) {
        if (!isRunning()) {
            return;
        }
        LOG.info("restarting the pipeline: {}", why);
        pipeline.stop();
        pipeline = null;
        startPipeline("system");
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
                    audit.record("system", "pipeline.failed", "pipeline", Map.of("reason", String.valueOf(reason)));
                }
                listeners.forEach(l -> l.onStateChanged(from, to, reason));
            }

            @Override
            public void onSourceFailed(String sourceId, Throwable error) {
                audit.record("system", "source.failed", sourceId, Map.of("error", String.valueOf(error.getMessage())));
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

    private static AssetKind assetKind(String sinkType) {
        return switch (sinkType) {
            case "kafka" -> AssetKind.TOPIC;
            case "file" -> AssetKind.FILE;
            default -> AssetKind.SINK_TABLE;
        };
    }

    private void addToPipeline(String id, List<String> tables) {
        ConnectorDefinition def = withTables(source(id), tables);
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

    @Override
    public synchronized void close() {
        if (pipeline != null) {
            pipeline.stop();
        }
    }
}
