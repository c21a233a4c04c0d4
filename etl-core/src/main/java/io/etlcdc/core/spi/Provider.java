package io.etlcdc.core.spi;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ConfigException.ConfigError;

import java.util.List;
import java.util.Set;

/**
 * A factory for one kind of plugin (a source type, a sink type, a store), identified by a stable
 * type name such as {@code postgresql} or {@code jdbc}. Providers are found with
 * {@link java.util.ServiceLoader} (see {@link ProviderRegistry}); a plugin jar lists its provider
 * classes in {@code META-INF/services/<provider interface name>}.
 *
 * <p>Implementations must have a public no-argument constructor, be stateless and thread-safe.
 */
public interface Provider {

    /** The type name users write in {@code type:}; lower case, stable across releases. */
    String identifier();

    /** Other names accepted for the same type (e.g. {@code mariadb} for {@code mysql}). */
    default Set<String> aliases() {
        return Set.of();
    }

    /** One line saying what this provider creates, shown when listing plugins. */
    default String description() {
        return "";
    }

    /** Options that must be present in {@code config}. */
    default Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    /** Options that may be present in {@code config}. Keys outside both sets are refused. */
    default Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    /** Key prefixes passed through unchecked, e.g. {@code debezium.} for raw engine properties. */
    default Set<String> passThroughPrefixes() {
        return Set.of();
    }

    /** Whether a {@code connection_string} is required. */
    default boolean requiresConnectionString() {
        return false;
    }

    /**
     * Every problem with a definition, per key, without connecting anywhere. The default checks the
     * declared options; override to add checks (call the default first).
     */
    default List<ConfigError> validate(ConnectorDefinition definition) {
        List<ConfigError> errors = new java.util.ArrayList<>(definition.configuration()
                .validate(requiredOptions(), optionalOptions(), passThroughPrefixes()));
        if (requiresConnectionString() && (definition.connectionString() == null || definition.connectionString().isBlank())) {
            errors.add(0, new ConfigError("connection_string", null, "is required for type '" + identifier() + "'"));
        }
        return errors;
    }
}
