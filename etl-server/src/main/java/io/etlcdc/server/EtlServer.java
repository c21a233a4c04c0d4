package io.etlcdc.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.etlcdc.core.connectors.JsonLinesDeadLetterSink;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.jdbc.JdbcOffsetStore;
import io.etlcdc.core.jdbc.JdbcStateStore;
import io.etlcdc.core.spi.AuditLog;
import io.etlcdc.core.spi.OffsetStore;
import io.etlcdc.server.ha.FencedOffsetStore;
import io.etlcdc.server.ha.Ownership;
import io.etlcdc.server.ha.PipelineLease;
import io.etlcdc.server.api.ApiException;
import io.etlcdc.server.api.Auth;
import io.etlcdc.server.api.Http;
import io.etlcdc.server.api.PipelineApi;
import io.etlcdc.server.api.RulesApi;
import io.etlcdc.server.api.SchemaApi;
import io.etlcdc.server.api.LineageApi;
import io.etlcdc.server.demo.Demo;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.schema.SchemaChangePolicy;
import io.etlcdc.schema.SchemaRegistry;
import io.etlcdc.schema.SchemaTracker;
import io.etlcdc.server.runtime.RuleSets;
import io.etlcdc.transform.RuleDefinition;
import io.etlcdc.transform.RuleEngine;
import io.etlcdc.transform.RuleFiles;
import io.etlcdc.quality.QualityGate;
import io.etlcdc.quality.QualityRules;
import java.util.List;
import io.etlcdc.server.metrics.ServerMetrics;
import io.etlcdc.server.plugins.PluginLoader;
import io.etlcdc.server.plugins.Registries;
import io.etlcdc.lineage.AuditTrail;
import io.etlcdc.lineage.LineageService;
import io.etlcdc.lineage.store.JdbcAuditLog;
import io.etlcdc.lineage.store.JdbcLineageStore;
import io.etlcdc.server.connect.ConnectReconciler;
import io.etlcdc.server.runtime.PipelineManager;
import io.etlcdc.server.state.DefinitionStore;
import io.etlcdc.server.state.StateDatabase;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The standalone server: reads {@code config/} and the environment, then serves the REST API on
 * {@code PORT} (default 8000). Run {@code java -jar etl-server.jar [--config DIR] [--port N] [--demo]}.
 */
public final class EtlServer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(EtlServer.class);

    private ServerSettings settings;
    private final ConfigFiles.Loaded config;
    private final Instant startedAt = Instant.now();
    private Javalin app;
    private RuleSets ruleSets;
    private Demo demo;
    private LineageService lineage;
    private SchemaRegistry schemaRegistry;
    private SchemaTracker schemaTracker;
    private StateDatabase state;
    private PipelineManager manager;
    private ServerMetrics metrics;
    private AuditLog auditLog;
    private AuditTrail audit;
    private JsonLinesDeadLetterSink deadLetters;

    public EtlServer(ServerSettings settings, ConfigFiles.Loaded config) {
        this.settings = settings;
        this.config = config;
    }

    public static void main(String[] args) {
        ServerSettings settings;
        ConfigFiles.Loaded config;
        try {
            settings = ServerSettings.from(args, System.getenv());
            setLogLevel(settings.logLevel());
            config = ConfigFiles.load(settings.configDir(), System::getenv);
        } catch (ConfigException e) {
            System.err.println("etl-server: " + e.getMessage());
            System.exit(2);
            return;
        }
        EtlServer server = new EtlServer(settings, config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "etl-server-shutdown"));
        try {
            server.start();
        } catch (EtlException e) {
            // e.g. an unreadable state database: say which and stop, rather than linger half-started
            System.err.println("etl-server: cannot start: " + io.etlcdc.core.config.Secrets.maskText(e.getMessage()));
            LOG.error("cannot start", e);
            System.exit(1);
        }
    }

    private static void setLogLevel(String level) {
        org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof Logger logback) {
            logback.setLevel(Level.toLevel(level, Level.INFO));
        }
    }

    /** Starts serving; returns once the port is bound. */
    public EtlServer start() {
        if (settings.apiToken().isEmpty()) {
            LOG.warn("ETL_API_TOKEN is not set: every endpoint, including those that change the pipeline, is open to anyone who can reach port {}",
                    settings.port());
        }
        if (settings.demo()) {
            settings = settings.withDataDir(settings.dataDir().resolve("demo"));
            demo = Demo.prepare(settings.dataDir());
        }
        state = StateDatabase.open(settings.databaseUrl(), settings.dataDir());
        LOG.info("state database: {}", state.description());
        DataSource ds = state.dataSource();
        Clock clock = Clock.systemUTC();
        auditLog = new JdbcAuditLog(ds);
        audit = new AuditTrail(auditLog, clock);
        lineage = LineageService.over(new JdbcLineageStore(ds));
        Registries registries = Registries.of(EtlServer.class.getClassLoader(),
                PluginLoader.load(settings.pluginsDir(), EtlServer.class.getClassLoader()));
        deadLetters = new JsonLinesDeadLetterSink(settings.dataDir().resolve("dead-letters.jsonl"));
        OffsetStore offsets = new JdbcOffsetStore(ds);
        Ownership ownership;
        if (settings.databaseUrl().isPresent()) {
            PipelineLease lease = new PipelineLease(ds, "pipeline", replicaId(), Duration.ofSeconds(15));
            ownership = lease;
            offsets = new FencedOffsetStore(offsets, ds, lease);
        } else {
            ownership = Ownership.single(replicaId());
        }
        DefinitionStore definitions = new DefinitionStore(ds);
        JdbcStateStore stateStore = new JdbcStateStore(ds);
        ruleSets = new RuleSets(
                RuleEngine.builder().id("rules").stateStore(stateStore).providers(registries.transforms()).jinja(jinja(registries))
                        .rules(declaredRules(config)).build(),
                QualityGate.builder().rules(QualityRules.fromMaps(config.qualityRules())).build(),
                definitions, audit, declaredRules(config), QualityRules.fromMaps(config.qualityRules()));
        schemaRegistry = SchemaRegistry.create(ProviderContext.builder("schema-registry").service(DataSource.class, ds).build());
        schemaTracker = SchemaTracker.builder(schemaRegistry).build();
        PipelineManager.Stages stages = new PipelineManager.Stages(schemaTracker, List.of(ruleSets.engine()), ruleSets.gate());
        PipelineManager.ExternalRuntime connect = settings.connectUrl()
                .map(url -> (PipelineManager.ExternalRuntime) ConnectReconciler.forServer(url, settings, registries, ruleSets, audit))
                .orElse(null);
        manager = new PipelineManager(new PipelineManager.Parts(registries, definitions, offsets,
                stateStore, ds, deadLetters, lineage, audit, settings.dataDir(), settings.bufferSize(), clock,
                () -> stages, config.sources(), config.sinks(), ownership, ruleSets::sync, this::applyServerOptions), connect);
        settings.connectUrl().ifPresent(url -> LOG.info("Connect mode: the pipeline runs on the Kafka Connect cluster at {}", url));
        metrics = new ServerMetrics(manager, ruleSets);
        Auth auth = new Auth(settings.apiToken());
        PipelineApi pipelineApi = new PipelineApi(manager, audit);
        RulesApi rulesApi = new RulesApi(ruleSets);
        SchemaApi schemaApi = new SchemaApi(schemaRegistry, audit);
        LineageApi lineageApi = new LineageApi(lineage, this::refreshLineageIfShared);
        app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(EtlJson.mapper(), false));
            cfg.jetty.port = settings.port();
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = Http.MAX_BODY_BYTES;
            cfg.staticFiles.add("/public", Location.CLASSPATH);
            cfg.staticFiles.enableWebjars();
            cfg.routes.before("/api/*", auth::check);
            cfg.routes.get("/health", ctx -> {
                Map<String, Object> h = health();
                ctx.status("UP".equals(h.get("status")) ? 200 : 503).json(h);
            });
            cfg.routes.get("/api/docs", ctx -> ctx.redirect("/api/docs/index.html"));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            pipelineApi.register(cfg.routes);
            rulesApi.register(cfg.routes);
            schemaApi.register(cfg.routes);
            lineageApi.register(cfg.routes);
            cfg.routes.exception(ApiException.class, (e, ctx) -> Http.error(ctx, e));
            cfg.routes.exception(EtlException.class, (e, ctx) -> Http.error(ctx, Http.fromEtl(e)));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> Http.error(ctx, switch (e.getStatus()) {
                case 404 -> new ApiException(404, "not found", "no endpoint " + ctx.method() + " " + ctx.path());
                case 405 -> new ApiException(405, "method not allowed", ctx.method() + " is not allowed on " + ctx.path());
                case 413 -> new ApiException(413, "request too large", "at most " + Http.MAX_BODY_BYTES + " bytes are accepted");
                default -> new ApiException(e.getStatus(), "request failed", e.getMessage());
            }));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
                Http.error(ctx, new ApiException(500, "internal error", e.getClass().getSimpleName() + ": " + e.getMessage()));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    Http.error(ctx, new ApiException(404, "not found", "no endpoint " + ctx.method() + " " + ctx.path()));
                }
            });
        }).start();
        if (demo != null) {
            demo.configure(manager, ruleSets, registries);
        }
        LOG.info("etl-server listening on port {} with {} source(s), {} sink(s), {} rule(s), {} quality rule(s) from {}",
                app.port(), config.sources().size(), config.sinks().size(), config.transformationRules().size(),
                config.qualityRules().size(), settings.configDir().toAbsolutePath());
        // restores what was running before a restart, and (with DATABASE_URL) takes over from a dead replica
        manager.startReconciling(Duration.ofSeconds(2));
        return this;
    }

    /**
     * With replicas sharing DATABASE_URL the owner writes lineage; others reload it at most every five
     * seconds when asked.
     */
    private void refreshLineageIfShared() {
        // in Connect mode the cluster's tasks write lineage, so even the owner reloads it
        if (settings.databaseUrl().isEmpty() || (manager.ownership().isOwner() && settings.connectUrl().isEmpty())) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastLineageRefresh > 5_000_000_000L) {
            lastLineageRefresh = now;
            lineage.refresh();
        }
    }

    private volatile long lastLineageRefresh = System.nanoTime() - 10_000_000_000L;

    /**
     * Takes the options the server handles itself out of a source definition before its provider sees
     * it: {@code schema_change_policy} (evolve, fail, ignore) goes to the schema tracker.
     */
    private ConnectorDefinition applyServerOptions(ConnectorDefinition source) {
        Object policy = source.config().get(SchemaChangePolicy.OPTION.key());
        if (policy == null) {
            return source;
        }
        try {
            schemaTracker.setPolicy(source.id(), SchemaChangePolicy.parse(String.valueOf(policy)));
        } catch (EtlException e) {
            throw new ConfigException(SchemaChangePolicy.OPTION.key(), policy, "expected evolve, fail or ignore");
        }
        return source.withConfig(SchemaChangePolicy.OPTION.key(), null);
    }

    /** The Jinja2 engine with the custom functions of the class path and of every plugin. */
    private static io.etlcdc.transform.expr.JinjaEngine jinja(Registries registries) {
        var b = io.etlcdc.transform.expr.JinjaEngine.builder().loadFunctions(EtlServer.class.getClassLoader());
        registries.plugins().forEach(b::loadFunctions);
        return b.build();
    }

    /** The rules of config/transformations.yaml; a bad rule stops the start naming it. */
    private static List<RuleDefinition> declaredRules(ConfigFiles.Loaded config) {
        List<RuleDefinition> out = new java.util.ArrayList<>();
        List<ConfigException.ConfigError> errors = new java.util.ArrayList<>();
        for (int i = 0; i < config.transformationRules().size(); i++) {
            try {
                out.add(RuleFiles.parse(EtlJson.mapper().writeValueAsString(Map.of("rules", List.of(config.transformationRules().get(i))))).get(0));
            } catch (EtlException | com.fasterxml.jackson.core.JsonProcessingException e) {
                errors.add(new ConfigException.ConfigError("transformations.yaml: rules[" + i + "]", null, e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException("invalid configuration", errors);
        }
        return out;
    }

    private static String replicaId() {
        String configured = System.getenv("ETL_REPLICA_ID");
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /** The bound port (useful with {@code --port 0}). */
    public int port() {
        return app.port();
    }

    private Map<String, Object> health() {
        String overall = "UP";
        Map<String, Object> pipelineHealth = new LinkedHashMap<>();
        var status = manager.status();
        if (manager.lastFailure().isPresent() && status.map(s -> s.state() == io.etlcdc.core.pipeline.PipelineState.FAILED).orElse(false)) {
            overall = "DOWN";
            pipelineHealth.put("status", "DOWN");
            pipelineHealth.put("error", io.etlcdc.core.config.Secrets.maskText(manager.lastFailure().get()));
        } else {
            pipelineHealth.put("status", "UP");
            pipelineHealth.put("state", status.map(s -> s.state().name()).orElse("NOT_STARTED"));
        }
        Map<String, Object> sources = new LinkedHashMap<>();
        Map<String, Object> sinks = new LinkedHashMap<>();
        if (status.isPresent()) {
            for (var s : status.get().sources()) {
                boolean down = s.state() == io.etlcdc.core.pipeline.SourceState.FAILED
                        || s.health().status() == io.etlcdc.core.spi.HealthStatus.DOWN;
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("status", down ? "DOWN" : s.health().status() == io.etlcdc.core.spi.HealthStatus.DEGRADED ? "DEGRADED" : "UP");
                one.put("connected", s.health().connected());
                one.put("lag_ms", s.lagMillis());
                if (s.error() != null || s.health().message() != null) {
                    one.put("error", io.etlcdc.core.config.Secrets.maskText(s.error() != null ? s.error() : s.health().message()));
                }
                if (down && s.state() != io.etlcdc.core.pipeline.SourceState.STOPPED) {
                    overall = "DOWN";
                }
                sources.put(s.id(), one);
            }
            for (var s : status.get().sinks()) {
                boolean down = s.health().status() == io.etlcdc.core.spi.HealthStatus.DOWN;
                sinks.put(s.id(), down ? Map.of("status", "DOWN", "error", String.valueOf(s.health().message())) : Map.of("status", "UP"));
                if (down) {
                    overall = "DOWN";
                }
            }
        }
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("used_bytes", rt.totalMemory() - rt.freeMemory());
        memory.put("max_bytes", rt.maxMemory());
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("api", Map.of("status", "UP"));
        components.put("pipeline", pipelineHealth);
        components.put("transformations", transformHealth());
        components.put("sources", sources);
        components.put("sinks", sinks);
        components.put("memory", Map.of("status", "UP", "details", memory));
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        components.put("cpu", Map.of("status", "UP", "details", Map.of("system_load_average", load,
                "available_processors", rt.availableProcessors())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", overall);
        body.put("uptime_ms", Duration.between(startedAt, Instant.now()).toMillis());
        body.put("components", components);
        return body;
    }

    /**
     * The rule engine is up when its rules compiled (they are refused otherwise); it is degraded when
     * more than half of the records a rule ran on failed (a broken rule filling the dead-letter sink).
     */
    private Map<String, Object> transformHealth() {
        Map<String, Object> h = new LinkedHashMap<>();
        var stats = ruleSets.engine().stats();
        List<String> failing = stats.entrySet().stream()
                .filter(e -> e.getValue().applied() + e.getValue().failed() >= 10 && e.getValue().failed() * 2 > e.getValue().applied())
                .map(Map.Entry::getKey).toList();
        h.put("status", failing.isEmpty() ? "UP" : "DEGRADED");
        h.put("rules", stats.size());
        h.put("quality_rules", ruleSets.gate().qualityRules().size());
        if (!failing.isEmpty()) {
            h.put("failing_rules", failing);
        }
        return h;
    }

    public PipelineManager manager() {
        return manager;
    }

    @Override
    public synchronized void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
        if (manager != null) {
            manager.close();
            manager = null;
        }
        if (demo != null) {
            demo.close();
            demo = null;
        }
        try {
            if (deadLetters != null) {
                deadLetters.close();
            }
        } catch (Exception e) {
            LOG.warn("closing the dead-letter file failed: {}", e.toString());
        }
        if (state != null) {
            state.close();
            state = null;
        }
    }
}
