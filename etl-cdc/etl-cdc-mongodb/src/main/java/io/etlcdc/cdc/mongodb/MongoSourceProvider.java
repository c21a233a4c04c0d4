package io.etlcdc.cdc.mongodb;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import io.etlcdc.cdc.debezium.DebeziumOptions;
import io.etlcdc.cdc.debezium.DebeziumSettings;
import io.etlcdc.cdc.debezium.DebeziumSource;
import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceProvider;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Type {@code mongodb}: change data capture from a MongoDB replica set or sharded cluster through change
 * streams, read with the MongoDB Java driver ({@code engine: driver}, the default: {@link MongoChangeStreamSource}) or
 * Debezium's MongoDB connector ({@code engine: debezium}). {@code config.tables} names collections ({@code orders} means
 * the connection string's database, {@code db.orders} another one). Stateless and thread-safe.
 *
 * <pre>{@code
 * {"id": "mongo_main", "type": "mongodb",
 *  "connection_string": "mongodb://user:pass@h1:27017,h2:27017/shop?replicaSet=rs0&authSource=admin",
 *  "config": {"poll_interval": 1, "tables": ["orders", "customers"]}}
 * }</pre>
 */
public final class MongoSourceProvider implements SourceProvider {

    @Override
    public String identifier() {
        return "mongodb";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("mongo");
    }

    @Override
    public String description() {
        return "MongoDB change data capture (change streams on a replica set or sharded cluster; MongoDB driver or Debezium)";
    }

    @Override
    public boolean requiresConnectionString() {
        return true;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> all = new HashSet<>(DebeziumOptions.common());
        all.addAll(MongoOptions.all());
        return all;
    }

    @Override
    public Set<String> passThroughPrefixes() {
        return Set.of(DebeziumOptions.PASS_THROUGH_PREFIX);
    }

    @Override
    public List<ConfigError> validate(ConnectorDefinition definition) {
        List<ConfigError> errors = new ArrayList<>(SourceProvider.super.validate(definition));
        if (definition.connectionString() != null && !definition.connectionString().isBlank()) {
            try {
                MongoEndpoint.of(ConnectionString.parse(definition.connectionString()));
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        if (definition.config().get(DebeziumOptions.TABLES.key()) != null) {
            try {
                for (String t : definition.configuration().get(DebeziumOptions.TABLES)) {
                    if (t.isBlank() || t.startsWith(".") || t.endsWith(".") || t.contains("$")) {
                        errors.add(new ConfigError("tables", t, "expected a collection or database.collection"));
                    }
                }
            } catch (ConfigException ignored) {
                // already reported by the default validation
            }
        }
        errors.addAll(DebeziumOptions.passThroughNeedsDebezium(definition, MongoOptions.ENGINE));
        return errors;
    }

    private ConnectorDefinition checked(ProviderContext context) {
        ConnectorDefinition definition = context.definition().orElseThrow(() ->
                new EtlException(ErrorCode.CONFIG_INVALID, "a mongodb source needs a definition with a connection_string"));
        List<ConfigError> errors = validate(definition);
        if (!errors.isEmpty()) {
            throw new ConfigException("source '" + definition.id() + "'", errors);
        }
        return definition;
    }

    @Override
    public Source create(ProviderContext context) {
        ConnectorDefinition definition = checked(context);
        ConnectionString cs = ConnectionString.parse(definition.connectionString());
        DebeziumSettings settings = DebeziumSettings.from(definition.id(), cs, context.config());
        MongoDialect dialect = new MongoDialect(MongoEndpoint.of(cs), definition.id(), context.config());
        if (usesDriver(context.config())) {
            return new MongoChangeStreamSource(MongoEndpoint.of(cs), settings, dialect, context.clock());
        }
        return new DebeziumSource(settings, dialect, context.clock());
    }

    private static boolean usesDriver(io.etlcdc.core.config.Configuration config) {
        return "driver".equals(config.get(MongoOptions.ENGINE));
    }

    /**
     * Connects once and reports what capture needs: reachable hosts and valid credentials, change streams (a
     * replica set or sharded cluster, not a standalone server), the privilege to open them, and that the
     * configured collections exist.
     */
    @Override
    public void checkConnection(ProviderContext context) {
        ConnectorDefinition definition = checked(context);
        ConnectionString cs = ConnectionString.parse(definition.connectionString());
        MongoEndpoint endpoint = MongoEndpoint.of(cs);
        DebeziumSettings settings = DebeziumSettings.from(definition.id(), cs, context.config());
        MongoDialect dialect = new MongoDialect(endpoint, definition.id(), context.config());
        List<String> collections = settings.tables().stream().map(dialect::qualify).toList();
        List<String> problems = new ArrayList<>();
        ErrorCode code = ErrorCode.SOURCE_FAILED;
        try (MongoClient client = endpoint.client()) {
            String problem = usesDriver(context.config())
                    ? dialect.check(new MongoChangeStreamSource(endpoint, settings, dialect, context.clock()).watch(client, false))
                    : dialect.openStream(client, settings, collections, Optional.empty());
            if (problem != null) {
                problems.add(problem);
            }
            List<String> unknown = new ArrayList<>();
            String db = null;
            for (String c : collections) {
                String database = c.substring(0, c.indexOf('.'));
                if (!MongoDialect.collectionsIn(client, database).contains(c.substring(c.indexOf('.') + 1))) {
                    unknown.add(c);
                    db = db == null ? database : db;
                }
            }
            if (!unknown.isEmpty()) {
                code = ErrorCode.CONFIG_INVALID;
                problems.add(0, "unknown collection(s) " + String.join(", ", unknown) + "; collections in database " + db + ": "
                        + MongoDialect.collectionsIn(client, db) + " (create a collection first with db.createCollection, or fix the name)");
            }
        } catch (MongoException e) {
            throw dialect.translate(e);
        }
        if (!problems.isEmpty()) {
            throw new EtlException(code, "MongoDB source '" + definition.id() + "' (" + endpoint + ") cannot capture: "
                    + String.join("; ", problems));
        }
    }
}
