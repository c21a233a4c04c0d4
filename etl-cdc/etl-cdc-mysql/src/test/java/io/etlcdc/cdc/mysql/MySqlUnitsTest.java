package io.etlcdc.cdc.mysql;

import io.etlcdc.cdc.debezium.DebeziumSettings;
import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.connectors.MemoryStateStore;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.spi.SourceProvider;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/** Pure units of the MySQL source: definition checks, connector properties, stream keys, DDL targets, the MariaDB shim. */
class MySqlUnitsTest {
    private static final String URL = "mysql://cdc:s3cret@db.example:3306/shop?sslMode=REQUIRED";
    private final MySqlSourceProvider provider = new MySqlSourceProvider();

    private static MySqlDialect dialect(Map<String, Object> config) {
        return new MySqlDialect(MySqlEndpoint.of(ConnectionString.parse(URL)), "mysql_main", Configuration.of(config), new MemoryStateStore());
    }

    @Test
    void isFoundAsMysqlAndMariadb() {
        assertThat(ServiceLoader.load(SourceProvider.class).stream().map(p -> p.get().identifier())).contains("mysql");
        assertThat(provider.aliases()).containsExactly("mariadb");
    }

    @Test
    void everyProblemWithADefinitionIsReportedPerKeyWithoutThePassword() {
        assertThat(provider.validate(new ConnectorDefinition("m", "mysql", URL, Map.of("tables", List.of("users", "crm.orders"),
                "poll_interval", 1, "server_id", 6001, "debezium.snapshot.locking.mode", "none")))).isEmpty();
        List<ConfigError> errors = provider.validate(new ConnectorDefinition("m", "mysql", "mysql://cdc:s3cret@h1",
                Map.of("tables", List.of("a.b.c"), "server_id", 0, "slot_name", "x")));
        assertThat(errors).extracting(ConfigError::key).containsExactlyInAnyOrder("connection_string", "tables", "server_id", "slot_name");
        assertThat(errors.toString()).doesNotContain("s3cret");
        assertThat(provider.validate(new ConnectorDefinition("m", "mysql", "mariadb://u:p@h:3307/db", Map.of()))).isEmpty();
        assertThat(provider.validate(new ConnectorDefinition("m", "mysql", "postgresql://u:p@h/db", Map.of())))
                .extracting(ConfigError::key).containsExactly("connection_string");
    }

    @Test
    void connectorPropertiesCaptureTheTablesWithTheirDatabasesAndKeepTheHistoryInOurStore() {
        MySqlDialect d = dialect(Map.of("tables", List.of("users", "crm.orders"), "snapshot_mode", "when_needed"));
        DebeziumSettings settings = DebeziumSettings.from("mysql_main", ConnectionString.parse(URL),
                Configuration.of(Map.of("tables", List.of("users", "crm.orders"), "snapshot_mode", "when_needed")));
        List<String> tables = settings.tables().stream().map(d::qualify).toList();
        assertThat(tables).containsExactly("shop.users", "crm.orders");
        Map<String, String> p = d.connectorProperties(settings, tables);
        assertThat(p).containsEntry("database.hostname", "db.example").containsEntry("database.port", "3306")
                .containsEntry("database.include.list", "\\Qshop\\E,\\Qcrm\\E")
                .containsEntry("table.include.list", "\\Qshop.users\\E,\\Qcrm.orders\\E")
                .containsEntry("snapshot.mode", "when_needed").containsEntry("include.schema.changes", "true")
                .containsEntry("skipped.operations", "none").containsEntry("driver.sslMode", "REQUIRED")
                .containsEntry("schema.history.internal", StateStoreSchemaHistory.class.getName())
                .containsKey(StateStoreSchemaHistory.STORE_KEY)
                .containsEntry("database.server.id", Long.toString(MySqlDialect.defaultServerId("mysql_main")))
                .doesNotContainKey("database.jdbc.driver");
        assertThat(MySqlDialect.defaultServerId("mysql_main")).isBetween(5400L, 6399L);
        assertThat(dialect(Map.of("server_id", 77)).connectorProperties(settings, tables)).containsEntry("database.server.id", "77");
    }

    @Test
    void streamKeysFollowTheBinlogAcrossFiles() {
        Schema schema = SchemaBuilder.struct().field("file", Schema.STRING_SCHEMA).field("pos", Schema.INT64_SCHEMA)
                .field("row", Schema.INT32_SCHEMA).build();
        MySqlDialect d = dialect(Map.of());
        Struct source = new Struct(schema).put("file", "mysql-bin.000042").put("pos", 9999L).put("row", 0);
        // rows of one transaction: same transaction position, counted by event and row
        List<Object> a = d.streamKey(Map.of("file", "mysql-bin.000042", "pos", 1234L, "event", 1L, "row", 276), source);
        List<Object> b = d.streamKey(Map.of("file", "mysql-bin.000042", "pos", 1234L, "event", 2L, "row", 1), source);
        assertThat(a).containsExactly(42L, 1234L, 1L, 276L);
        assertThat(io.etlcdc.core.event.Position.of(b.toArray())).isGreaterThan(io.etlcdc.core.event.Position.of(a.toArray()));
        assertThat(d.streamKey(Map.of("file", "mysql-bin.000043", "pos", 4L), source)).containsExactly(43L, 4L, 0L, 0L);
        assertThat(MySqlDialect.fileNumber("binlog.000007")).isEqualTo(7);
        assertThat(MySqlDialect.fileNumber("weird")).isZero();
    }

    @Test
    void aDdlStatementIsAttributedToTheCapturedTableItConcerns() throws Exception {
        Schema change = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
        Schema value = SchemaBuilder.struct().field("databaseName", Schema.OPTIONAL_STRING_SCHEMA)
                .field("tableChanges", SchemaBuilder.array(change).optional().build()).build();
        MySqlDialect d = dialect(Map.of("tables", List.of("users")));
        java.lang.reflect.Field captured = MySqlDialect.class.getDeclaredField("capturedTables");
        captured.setAccessible(true);
        captured.set(d, java.util.Set.of("shop.users"));
        Struct alter = new Struct(value).put("databaseName", "shop").put("tableChanges", List.of(new Struct(change).put("id", "\"shop\".\"users\"")));
        assertThat(d.ddlCollection(alter, "ALTER TABLE users ADD c int")).isEqualTo("shop.users");
        Struct rename = new Struct(value).put("databaseName", "shop").put("tableChanges", List.of(new Struct(change).put("id", "\"shop\".\"people\"")));
        assertThat(d.ddlCollection(rename, "RENAME TABLE `users` TO `people`")).isEqualTo("shop.users");
        Struct other = new Struct(value).put("databaseName", "shop").put("tableChanges", List.of(new Struct(change).put("id", "\"shop\".\"audit\"")));
        assertThat(d.ddlCollection(other, "CREATE TABLE audit (id int)")).isNull();
    }

    @Test
    void theMariaDbShimTranslatesOnlyTheBinaryLogStatusStatement() {
        assertThat(MariaDbCompatibleDriver.translate("SHOW BINARY LOG STATUS")).isEqualTo("SHOW MASTER STATUS");
        assertThat(MariaDbCompatibleDriver.translate("  show binary   log status ")).isEqualTo("SHOW MASTER STATUS");
        assertThat(MariaDbCompatibleDriver.translate("SHOW BINARY LOGS")).isEqualTo("SHOW BINARY LOGS");
        assertThat(MariaDbCompatibleDriver.translate("SELECT 'SHOW BINARY LOG STATUS'")).isEqualTo("SELECT 'SHOW BINARY LOG STATUS'");
    }

    @Test
    void optionDefaultsArePinned() {
        assertThat(MySqlOptions.INCLUDE_QUERY.defaultValue()).isFalse();
        assertThat(MySqlOptions.SERVER_ID.defaultValue()).isNull();
        assertThat(provider.optionalOptions()).extracting(ConfigOption::key)
                .contains("tables", "poll_interval", "snapshot_mode", "heartbeat_interval", "server_id", "include_query");
    }
}
