package io.etlcdc.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.etlcdc.core.error.ConfigException;
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

    private final ServerSettings settings;
    private final ConfigFiles.Loaded config;
    private final Instant startedAt = Instant.now();
    private Javalin app;

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
        server.start();
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
        app = Javalin.create(cfg -> {
            cfg.jsonMapper(new JavalinJackson(EtlJson.mapper(), false));
            cfg.jetty.port = settings.port();
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/health", ctx -> ctx.json(health()));
        }).start();
        LOG.info("etl-server listening on port {} with {} source(s), {} sink(s), {} rule(s), {} quality rule(s) from {}",
                app.port(), config.sources().size(), config.sinks().size(), config.transformationRules().size(),
                config.qualityRules().size(), settings.configDir().toAbsolutePath());
        return this;
    }

    /** The bound port (useful with {@code --port 0}). */
    public int port() {
        return app.port();
    }

    private Map<String, Object> health() {
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("used_bytes", rt.totalMemory() - rt.freeMemory());
        memory.put("max_bytes", rt.maxMemory());
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("api", Map.of("status", "UP"));
        components.put("memory", Map.of("status", "UP", "details", memory));
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        components.put("cpu", Map.of("status", "UP", "details", Map.of("system_load_average", load,
                "available_processors", rt.availableProcessors())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "UP");
        body.put("uptime_ms", Duration.between(startedAt, Instant.now()).toMillis());
        body.put("components", components);
        return body;
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }
}
