package io.etlcdc.cdc.postgres;

import io.etlcdc.cdc.debezium.DebeziumDialect;
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

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Type {@code postgresql} (alias {@code postgres}): change data capture from PostgreSQL through logical
 * replication ({@code pgoutput}) with the Debezium embedded engine. Stateless and thread-safe.
 *
 * <pre>{@code
 * {"id": "postgres_main", "type": "postgresql",
 *  "connection_string": "postgresql://user:pass@localhost:5432/db",
 *  "config": {"poll_interval": 1, "tables": ["users", "orders"]}}
 * }</pre>
 */
public final class PostgresSourceProvider implements SourceProvider {

    @Override
    public String identifier() {
        return "postgresql";
    }

    @Override
    public Set<String> aliases() {
        return Set.of("postgres");
    }

    @Override
    public String description() {
        return "PostgreSQL change data capture (logical replication, pgoutput, Debezium)";
    }

    @Override
    public boolean requiresConnectionString() {
        return true;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> all = new HashSet<>(DebeziumOptions.common());
        all.addAll(PostgresOptions.all());
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
                PgConnector.of(ConnectionString.parse(definition.connectionString()));
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        Object tables = definition.config().get(DebeziumOptions.TABLES.key());
        if (tables != null) {
            try {
                for (String t : definition.configuration().get(DebeziumOptions.TABLES)) {
                    if (t.isBlank() || t.chars().filter(ch -> ch == '.').count() > 1) {
                        errors.add(new ConfigError("tables", t, "expected table or schema.table"));
                    }
                }
            } catch (ConfigException ignored) {
                // already reported by the default validation
            }
        }
        errors.addAll(DebeziumOptions.passThroughNeedsDebezium(definition, PostgresOptions.ENGINE));
        return errors;
    }

    @Override
    public Source create(ProviderContext context) {
        ConnectorDefinition definition = context.definition().orElseThrow(() ->
                new EtlException(ErrorCode.CONFIG_INVALID, "a postgresql source needs a definition with a connection_string"));
        List<ConfigError> errors = validate(definition);
        if (!errors.isEmpty()) {
            throw new ConfigException("source '" + definition.id() + "'", errors);
        }
        ConnectionString cs = ConnectionString.parse(definition.connectionString());
        PgConnector pg = PgConnector.of(cs);
        DebeziumSettings settings = DebeziumSettings.from(definition.id(), cs, context.config());
        if ("native".equals(context.config().get(PostgresOptions.ENGINE))) {
            return new NativePostgresSource(settings, new PostgresDialect(pg, settings.sanitizedId(), context.config()), context.clock());
        }
        return new DebeziumSource(settings, new PostgresDialect(pg, settings.sanitizedId(), context.config()), context.clock());
    }

    /**
     * Debezium's PostgreSQL connector configured exactly as the embedded source configures its engine
     * (slot, filtered publication, heartbeats, snapshot mode, value handling, {@code debezium.*}
     * pass-through), for a Kafka Connect cluster: {@code topic.prefix} is the source id and deletes send
     * no tombstones. Prepares the database first as the embedded source does before each start (checks
     * wal_level and privileges, replica identity, the heartbeat table); tables with a problem are left out
     * as the embedded source leaves them out. DDL capture ({@code capture_ddl}) is not translated: its
     * log table's rows would reach Kafka as plain rows.
     */
    @Override
    public Optional<Map<String, String>> kafkaConnectConfig(ProviderContext context) {
        ConnectorDefinition definition = context.definition().orElseThrow(() ->
                new EtlException(ErrorCode.CONFIG_INVALID, "a postgresql source needs a definition with a connection_string"));
        List<ConfigError> errors = validate(definition);
        if (!errors.isEmpty()) {
            throw new ConfigException("source '" + definition.id() + "'", errors);
        }
        ConnectionString cs = ConnectionString.parse(definition.connectionString());
        PgConnector pg = PgConnector.of(cs);
        DebeziumSettings settings = DebeziumSettings.from(definition.id(), cs,
                context.config().with(PostgresOptions.CAPTURE_DDL.key(), false));
        PostgresDialect dialect = new PostgresDialect(pg, settings.sanitizedId(), settings.config());
        DebeziumDialect.StartPlan plan = dialect.prepare(settings, Optional.empty());
        Map<String, String> p = new LinkedHashMap<>();
        p.put("connector.class", dialect.connectorClass());
        p.put("topic.prefix", definition.id());
        p.put("tombstones.on.delete", "false");
        p.put("poll.interval.ms", Long.toString(Math.max(10, settings.pollInterval().toMillis())));
        p.put("max.batch.size", "4096");
        p.put("max.queue.size", "16384");
        p.putAll(dialect.connectorProperties(settings, plan.tables()));
        p.putAll(settings.passThrough());
        return Optional.of(p);
    }

    /**
     * Connects once and reports every problem found: credentials, {@code wal_level}, the REPLICATION
     * privilege, unknown tables, missing SELECT privileges and tables without a key, each with the fix.
     */
    @Override
    public void checkConnection(ProviderContext context) {
        ConnectorDefinition definition = context.definition().orElseThrow(() ->
                new EtlException(ErrorCode.CONFIG_INVALID, "a postgresql source needs a definition with a connection_string"));
        List<ConfigError> errors = validate(definition);
        if (!errors.isEmpty()) {
            throw new ConfigException("source '" + definition.id() + "'", errors);
        }
        ConnectionString cs = ConnectionString.parse(definition.connectionString());
        PgConnector pg = PgConnector.of(cs);
        DebeziumSettings settings = DebeziumSettings.from(definition.id(), cs, context.config());
        PostgresDialect dialect = new PostgresDialect(pg, settings.sanitizedId(), context.config());
        List<String> problems = new ArrayList<>();
        ErrorCode code = ErrorCode.SOURCE_FAILED;
        try (Connection c = pg.open()) {
            dialect.checkServer(c, problems);
            List<String> unknown = new ArrayList<>();
            for (String t : settings.tables()) {
                String q = PostgresDialect.qualifyTable(t);
                PgCatalog.TableInfo info = PgCatalog.table(c, q);
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
                String schema = unknown.get(0).substring(0, unknown.get(0).indexOf('.'));
                problems.add(0, "unknown table(s) " + String.join(", ", unknown) + " in database '" + pg.database()
                        + "'; tables in schema " + schema + ": " + PgCatalog.tablesIn(c, schema));
            }
        } catch (SQLException e) {
            throw pg.connectionError(e);
        }
        if (!problems.isEmpty()) {
            throw new EtlException(code, "PostgreSQL source '" + definition.id() + "' (" + pg + ") cannot capture: "
                    + String.join("; ", problems));
        }
    }
}
