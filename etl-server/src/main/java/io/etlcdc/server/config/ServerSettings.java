package io.etlcdc.server.config;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server's settings from the command line and the environment. Every bad value is reported at
 * once, naming the variable or flag.
 *
 * @param port                  {@code PORT} / {@code --port}, default 8000
 * @param configDir             {@code --config DIR}, default {@code ./config}
 * @param dataDir               {@code ETL_DATA_DIR}, default {@code ./data}
 * @param databaseUrl           {@code DATABASE_URL}: the shared state store; empty means the embedded H2 file database
 * @param kafkaBootstrapServers {@code KAFKA_BOOTSTRAP_SERVERS}: default for Kafka sinks
 * @param logLevel              {@code LOG_LEVEL}, default INFO
 * @param bufferSize            {@code BUFFER_SIZE}, default 10000 events
 * @param apiToken              {@code ETL_API_TOKEN}: when set, mutating endpoints need {@code Authorization: Bearer <token>}
 * @param demo                  {@code --demo}: start on embedded defaults with sample data
 * @param pluginsDir            {@code ETL_PLUGINS_DIR}, default {@code ./plugins}: connector jars loaded at start
 * @param connectUrl            {@code CONNECT_URL} / {@code --connect-url}: a Kafka Connect REST URL; when set the
 *                              pipeline runs on that cluster instead of in this process (Connect mode)
 */
public record ServerSettings(int port, Path configDir, Path dataDir, Optional<String> databaseUrl,
                             Optional<String> kafkaBootstrapServers, String logLevel, int bufferSize,
                             Optional<String> apiToken, boolean demo, Path pluginsDir, Optional<String> connectUrl) {

    /** Settings without Connect mode. */
    public ServerSettings(int port, Path configDir, Path dataDir, Optional<String> databaseUrl,
                          Optional<String> kafkaBootstrapServers, String logLevel, int bufferSize,
                          Optional<String> apiToken, boolean demo, Path pluginsDir) {
        this(port, configDir, dataDir, databaseUrl, kafkaBootstrapServers, logLevel, bufferSize, apiToken, demo, pluginsDir,
                Optional.empty());
    }

    private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /**
     * Reads the settings.
     *
     * @throws ConfigException listing every bad flag or variable
     */
    public static ServerSettings from(String[] args, Map<String, String> env) {
        List<ConfigError> errors = new ArrayList<>();
        String port = env.getOrDefault("PORT", "8000");
        String configDir = "config";
        String connectUrl = env.get("CONNECT_URL");
        boolean demo = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--demo" -> demo = true;
                case "--config", "--port", "--connect-url" -> {
                    if (i + 1 >= args.length) {
                        errors.add(new ConfigError(a, null, "needs a value"));
                    } else if (a.equals("--config")) {
                        configDir = args[++i];
                    } else if (a.equals("--connect-url")) {
                        connectUrl = args[++i];
                    } else {
                        port = args[++i];
                    }
                }
                case "--help", "-h" -> throw new ConfigException("usage", List.of(new ConfigError("--help", null, usage())));
                default -> errors.add(new ConfigError(a, null, "unknown argument; " + usage()));
            }
        }
        int portNumber = parseInt("PORT", port, 1, 65535, errors);
        int buffer = parseInt("BUFFER_SIZE", env.getOrDefault("BUFFER_SIZE", "10000"), 1, 10_000_000, errors);
        String level = env.getOrDefault("LOG_LEVEL", "INFO").trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            errors.add(new ConfigError("LOG_LEVEL", env.get("LOG_LEVEL"), "expected one of TRACE, DEBUG, INFO, WARN, ERROR, OFF"));
        }
        Optional<String> databaseUrl = nonBlank(env.get("DATABASE_URL"));
        databaseUrl.ifPresent(url -> {
            if (!url.startsWith("postgresql://") && !url.startsWith("postgres://") && !url.startsWith("jdbc:postgresql:")) {
                errors.add(new ConfigError("DATABASE_URL", io.etlcdc.core.config.Secrets.maskText(url),
                        "expected postgresql://user:pass@host:5432/db (the shared state store is PostgreSQL)"));
            }
        });
        Optional<String> connect = nonBlank(connectUrl);
        connect.ifPresent(url -> {
            try {
                java.net.URI uri = java.net.URI.create(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                errors.add(new ConfigError("CONNECT_URL", io.etlcdc.core.config.Secrets.maskText(url),
                        "expected the REST URL of a Kafka Connect worker, e.g. http://connect:8083"));
            }
        });
        if (!errors.isEmpty()) {
            throw new ConfigException("cannot start etl-server", errors);
        }
        return new ServerSettings(portNumber, Path.of(configDir), Path.of(env.getOrDefault("ETL_DATA_DIR", "data")), databaseUrl,
                nonBlank(env.get("KAFKA_BOOTSTRAP_SERVERS")), level, buffer, nonBlank(env.get("ETL_API_TOKEN")), demo,
                Path.of(env.getOrDefault("ETL_PLUGINS_DIR", "plugins")), connect.map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u));
    }

    /** A copy with another data directory (demo mode keeps its state apart). */
    public ServerSettings withDataDir(Path dir) {
        return new ServerSettings(port, configDir, dir, databaseUrl, kafkaBootstrapServers, logLevel, bufferSize, apiToken, demo, pluginsDir);
    }

    static String usage() {
        return "usage: java -jar etl-server.jar [--config DIR] [--port N] [--demo] [--connect-url http://connect:8083]";
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    private static int parseInt(String key, String value, int min, int max, List<ConfigError> errors) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                errors.add(new ConfigError(key, value, "expected a whole number between " + min + " and " + max));
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(new ConfigError(key, value, "expected a whole number between " + min + " and " + max));
            return min;
        }
    }

    @Override
    public String toString() {
        return "ServerSettings[port=" + port + ", configDir=" + configDir + ", dataDir=" + dataDir + ", databaseUrl="
                + databaseUrl.map(io.etlcdc.core.config.Secrets::maskText).orElse("(embedded)") + ", kafka="
                + kafkaBootstrapServers.orElse("-") + ", logLevel=" + logLevel + ", bufferSize=" + bufferSize
                + ", apiToken=" + (apiToken.isPresent() ? "****" : "(none)") + ", demo=" + demo + ", plugins=" + pluginsDir
                + ", connect=" + connectUrl.map(io.etlcdc.core.config.Secrets::maskText).orElse("(embedded pipeline)") + "]";
    }
}
