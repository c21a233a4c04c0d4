package io.etlcdc.cdc.mysql;

import io.etlcdc.cdc.debezium.DebeziumOptions;
import io.etlcdc.cdc.debezium.DebeziumSettings;
import io.etlcdc.cdc.debezium.DebeziumSource;
import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.FileStateStore;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceProvider;
import io.etlcdc.core.spi.StateStore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Type {@code mysql} (alias {@code mariadb}): change data capture from MySQL or MariaDB through the binlog
 * (ROW format) with the Debezium embedded engine. The connector's schema history lives in the host's
 * {@link StateStore} ({@link ProviderContext#service}), else in files under the data directory.
 * Stateless and thread-safe.
 *
 * <pre>{@code
 * {"id": "mysql_main", "type": "mysql",
 *  "connection_string": "mysql://user:pass@localhost:3306/shop",
 *  "config": {"poll_interval": 1, "tables": ["users", "orders"]}}
 * }</pre>
 */
public final class MySqlSourceProvider implements SourceProvider {

    @Override
    public String identifier() {
        return "mysql";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("mariadb");
    }

    @Override
    public String description() {
        return "MySQL / MariaDB change data capture (binlog in ROW format, Debezium)";
    }

    @Override
    public boolean requiresConnectionString() {
        return true;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> all = new HashSet<>(DebeziumOptions.common());
        all.addAll(MySqlOptions.all());
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
                MySqlEndpoint.of(ConnectionString.parse(definition.connectionString()));
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        if (definition.config().get(DebeziumOptions.TABLES.key()) != null) {
            try {
                for (String t : definition.configuration().get(DebeziumOptions.TABLES)) {
                    if (t.isBlank() || t.chars().filter(ch -> ch == '.').count() > 1) {
                        errors.add(new ConfigError("tables", t, "expected table or database.table"));
                    }
                }
            } catch (ConfigException ignored) {
                // already reported by the default validation
            }
        }
        return errors;
    }

    private ConnectorDefinition checked(ProviderContext context) {
        ConnectorDefinition definition = context.definition().orElseThrow(() ->
                new EtlException(ErrorCode.CONFIG_INVALID, "a mysql source needs a definition with a connection_string"));
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
        MySqlEndpoint endpoint = MySqlEndpoint.of(cs);
        DebeziumSettings settings = DebeziumSettings.from(definition.id(), cs, context.config());
        StateStore history = context.service(StateStore.class)
                .orElseGet(() -> new FileStateStore(context.dataDir().resolve("cdc-schema-history")));
        return new DebeziumSource(settings, new MySqlDialect(endpoint, definition.id(), context.config(), history), context.clock());
    }

    /**
     * Connects once and reports every problem found: credentials, binlog on, ROW format, full row images, the
     * REPLICATION SLAVE / REPLICATION CLIENT privileges, unknown tables and missing SELECT, each with the fix.
     */
    @Override
    public void checkConnection(ProviderContext context) {
        ConnectorDefinition definition = checked(context);
        ConnectionString cs = ConnectionString.parse(definition.connectionString());
        MySqlEndpoint endpoint = MySqlEndpoint.of(cs);
        DebeziumSettings settings = DebeziumSettings.from(definition.id(), cs, context.config());
        MySqlDialect dialect = new MySqlDialect(endpoint, definition.id(), context.config(), new io.etlcdc.core.connectors.MemoryStateStore());
        List<String> problems = new ArrayList<>();
        ErrorCode code = ErrorCode.SOURCE_FAILED;
        try (Connection c = endpoint.open()) {
            dialect.checkServer(c, problems);
            List<String> unknown = new ArrayList<>();
            for (String t : settings.tables()) {
                String q = dialect.qualify(t);
                MySqlCatalog.TableInfo info = MySqlCatalog.table(c, q);
                if (!info.exists()) {
                    unknown.add(q);
                    continue;
                }
                String problem = dialect.tableProblem(info);
                if (problem != null) {
                    problems.add(q + ": " + problem);
                }
            }
            if (!unknown.isEmpty()) {
                code = ErrorCode.CONFIG_INVALID;
                String db = unknown.get(0).substring(0, unknown.get(0).indexOf('.'));
                problems.add(0, "unknown table(s) " + String.join(", ", unknown) + "; tables in database " + db + " visible to user '"
                        + endpoint.user() + "': " + MySqlCatalog.tablesIn(c, db) + " (a table the user has no privilege on is invisible: "
                        + "GRANT SELECT ON " + unknown.get(0) + " TO '" + endpoint.user() + "'@'%')");
            }
        } catch (SQLException e) {
            throw endpoint.connectionError(e);
        }
        if (!problems.isEmpty()) {
            throw new EtlException(code, "MySQL source '" + definition.id() + "' (" + endpoint + ") cannot capture: "
                    + String.join("; ", problems));
        }
    }
}
