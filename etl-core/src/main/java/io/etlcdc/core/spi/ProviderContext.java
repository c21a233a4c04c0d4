package io.etlcdc.core.spi;

import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.config.ConnectorDefinition;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Provider} gets to create its component: the definition and configuration, the class
 * loader to load driver classes with (the plugin's own), a clock, the data directory and shared
 * services. Built by the runtime or the server; plugins only read it.
 */
public final class ProviderContext {
    private final String id;
    private final ConnectorDefinition definition;
    private final Configuration config;
    private final ClassLoader classLoader;
    private final Clock clock;
    private final Path dataDir;
    private final Map<Class<?>, Object> services;

    private ProviderContext(Builder b) {
        this.id = Objects.requireNonNull(b.id, "id");
        this.definition = b.definition;
        this.config = b.config != null ? b.config
                : b.definition != null ? b.definition.configuration() : Configuration.empty();
        this.classLoader = b.classLoader != null ? b.classLoader : ProviderContext.class.getClassLoader();
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.dataDir = b.dataDir != null ? b.dataDir : Path.of("data");
        this.services = Collections.unmodifiableMap(new HashMap<>(b.services));
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** A context for a source or sink definition. */
    public static ProviderContext of(ConnectorDefinition definition) {
        return builder(definition.id()).definition(definition).build();
    }

    /** The id of the component being created (source id, sink id, store name). */
    public String id() { return id; }
    /** The user's definition, when the component has one (sources and sinks). */
    public Optional<ConnectorDefinition> definition() { return Optional.ofNullable(definition); }
    public Configuration config() { return config; }
    public ClassLoader classLoader() { return classLoader; }
    public Clock clock() { return clock; }
    /** Where the component may keep files (created on demand by the component). */
    public Path dataDir() { return dataDir; }

    /** The parsed connection string, when the definition has one. */
    public Optional<ConnectionString> connectionString() {
        if (definition == null || definition.connectionString() == null || definition.connectionString().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(ConnectionString.parse(definition.connectionString()));
    }

    /**
     * A shared service offered by the host, such as a {@link StateStore} or a
     * {@code javax.sql.DataSource} for the state database.
     */
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }

    /** Builds a {@link ProviderContext}. */
    public static final class Builder {
        private final String id;
        private ConnectorDefinition definition;
        private Configuration config;
        private ClassLoader classLoader;
        private Clock clock;
        private Path dataDir;
        private final Map<Class<?>, Object> services = new HashMap<>();

        private Builder(String id) {
            this.id = id;
        }

        public Builder definition(ConnectorDefinition value) { this.definition = value; return this; }
        public Builder config(Configuration value) { this.config = value; return this; }
        public Builder classLoader(ClassLoader value) { this.classLoader = value; return this; }
        public Builder clock(Clock value) { this.clock = value; return this; }
        public Builder dataDir(Path value) { this.dataDir = value; return this; }

        public <T> Builder service(Class<T> type, T instance) {
            services.put(type, type.cast(instance));
            return this;
        }

        public ProviderContext build() {
            return new ProviderContext(this);
        }
    }
}
