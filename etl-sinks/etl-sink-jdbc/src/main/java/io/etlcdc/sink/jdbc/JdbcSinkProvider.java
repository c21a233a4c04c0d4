package io.etlcdc.sink.jdbc;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkProvider;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Type {@code jdbc}: {@link JdbcSink}, writing into PostgreSQL ({@code postgresql://}) or
 * MySQL/MariaDB ({@code mysql://}, {@code mariadb://}).
 * <pre>{@code
 * - id: warehouse
 *   type: jdbc
 *   connection_string: postgresql://user:pass@localhost:5432/warehouse
 *   config: { table_prefix: "", auto_create: true, batch_size: 1000 }
 * }</pre>
 * Stateless and thread-safe.
 */
public final class JdbcSinkProvider implements SinkProvider {
    public static final ConfigOption<String> TABLE_PREFIX = ConfigOptions.key("table_prefix").stringType().defaultValue("")
            .withDescription("prepended to the source table's name: the target of public.users is <table_prefix>users");
    public static final ConfigOption<String> SCHEMA = ConfigOptions.key("schema").stringType().noDefaultValue()
            .withValidator(Validator.notBlank())
            .withDescription("target schema (PostgreSQL) or database (MySQL); default: the connection's own");
    public static final ConfigOption<Boolean> AUTO_CREATE = ConfigOptions.key("auto_create").booleanType().defaultValue(true)
            .withDescription("create a missing target table from the event's schema (or values), keyed like the source");
    public static final ConfigOption<Boolean> AUTO_ADD_COLUMNS = ConfigOptions.key("auto_add_columns").booleanType().defaultValue(true)
            .withDescription("schema evolution: ALTER TABLE ADD COLUMN when an event carries a column the table lacks");
    public static final ConfigOption<Boolean> APPLY_TRUNCATE = ConfigOptions.key("apply_truncate").booleanType().defaultValue(true)
            .withDescription("empty the target table on a TRUNCATE event; false ignores TRUNCATE");
    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("batch_size").intType().defaultValue(1000)
            .withValidator(Validator.range(1, 100_000)).withDescription("rows per JDBC batch");
    public static final ConfigOption<Integer> POOL_SIZE = ConfigOptions.key("pool_size").intType().defaultValue(2)
            .withValidator(Validator.range(1, 64)).withDescription("largest number of pooled connections");
    public static final ConfigOption<Long> CONNECT_TIMEOUT_MS = ConfigOptions.key("connect_timeout_ms").longType().defaultValue(10_000L)
            .withValidator(Validator.range(250, 600_000))
            .withDescription("wait this long for a connection before the batch is retried with backoff");

    @Override
    public String identifier() {
        return "jdbc";
    }

    @Override
    public String description() {
        return "PostgreSQL or MySQL/MariaDB tables: batched upsert by primary key, one transaction per batch";
    }

    @Override
    public boolean requiresConnectionString() {
        return true;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(TABLE_PREFIX, SCHEMA, AUTO_CREATE, AUTO_ADD_COLUMNS, APPLY_TRUNCATE, BATCH_SIZE, POOL_SIZE, CONNECT_TIMEOUT_MS);
    }

    @Override
    public List<ConfigError> validate(ConnectorDefinition definition) {
        List<ConfigError> errors = new ArrayList<>(SinkProvider.super.validate(definition));
        String cs = definition.connectionString();
        if (cs != null && !cs.isBlank()) {
            try {
                TargetDialect.forScheme(ConnectionString.parse(cs).scheme());
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        return errors;
    }

    /** The settings a definition describes. */
    public static JdbcSinkSettings settings(ProviderContext context) {
        List<ConfigError> errors = context.definition().map(d -> new JdbcSinkProvider().validate(d)).orElse(List.of());
        if (!errors.isEmpty()) {
            throw new ConfigException("sink '" + context.id() + "'", errors);
        }
        ConnectionString cs = context.connectionString().orElseThrow(() -> new ConfigException("connection_string", null,
                "is required for type 'jdbc', e.g. postgresql://user:pass@localhost:5432/warehouse"));
        Configuration c = context.config();
        return new JdbcSinkSettings(context.id(), cs, c.get(TABLE_PREFIX), c.get(SCHEMA), c.get(AUTO_CREATE),
                c.get(AUTO_ADD_COLUMNS), c.get(APPLY_TRUNCATE), c.get(BATCH_SIZE), c.get(POOL_SIZE), c.get(CONNECT_TIMEOUT_MS));
    }

    @Override
    public Sink create(ProviderContext context) {
        return new JdbcSink(settings(context));
    }

    /** Connects once with the sink's credentials and runs {@code SELECT 1}. */
    @Override
    public void checkConnection(ProviderContext context) {
        JdbcSinkSettings s = settings(context);
        TargetDialect dialect = TargetDialect.forScheme(s.connection().scheme());
        Properties props = new Properties();
        dialect.driverProperties().forEach(props::setProperty);
        s.connection().user().ifPresent(u -> props.setProperty("user", u));
        s.connection().password().ifPresent(p -> props.setProperty("password", p));
        props.setProperty("connectTimeout", String.valueOf(dialect == TargetDialect.POSTGRESQL
                ? Math.max(1, s.connectTimeoutMs() / 1000) : s.connectTimeoutMs()));
        String url = dialect.jdbcUrl(s.connection());
        try {
            Driver driver = (Driver) Class.forName(dialect.driverClass(), true, context.classLoader())
                    .getDeclaredConstructor().newInstance();
            try (Connection c = driver.connect(url, props); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            }
        } catch (SQLException e) {
            throw new EtlException(ErrorCode.CONNECTION_FAILED, "sink '" + s.sinkId() + "' cannot connect to "
                    + s.connection().masked() + ": " + Secrets.maskKnown(SqlErrors.message(e),
                    s.connection().password().map(List::of).orElse(List.of())), e);
        } catch (ReflectiveOperationException e) {
            throw new EtlException(ErrorCode.INTERNAL, "sink '" + s.sinkId() + "': JDBC driver " + dialect.driverClass()
                    + " is not on the class path", e);
        }
    }
}
