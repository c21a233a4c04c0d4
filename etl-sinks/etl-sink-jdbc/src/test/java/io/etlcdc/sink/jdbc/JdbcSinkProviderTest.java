package io.etlcdc.sink.jdbc;

import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.SinkProvider;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JdbcSinkProviderTest {
    private final JdbcSinkProvider provider = new JdbcSinkProvider();

    @Test
    void isFoundByServiceLoaderAsJdbc() {
        assertThat(ProviderRegistry.load(SinkProvider.class, getClass().getClassLoader()).get("jdbc"))
                .isInstanceOf(JdbcSinkProvider.class);
    }

    @Test
    void theSpecExampleGivesTheDocumentedSettings() {
        JdbcSinkSettings s = JdbcSinkProvider.settings(ProviderContext.of(new ConnectorDefinition("warehouse", "jdbc",
                "postgresql://user:pass@localhost:5432/warehouse", Map.of("table_prefix", "", "auto_create", true, "batch_size", 1000))));
        assertThat(s.sinkId()).isEqualTo("warehouse");
        assertThat(s.autoCreate()).isTrue();
        assertThat(s.autoAddColumns()).isTrue();
        assertThat(s.applyTruncate()).isTrue();
        assertThat(s.batchSize()).isEqualTo(1000);
        assertThat(s.poolSize()).isEqualTo(2);
        assertThat(s.connectTimeoutMs()).isEqualTo(10_000L);
        assertThat(s.schema()).isNull();
        assertThat(s.toString()).doesNotContain("pass@").contains("****");
    }

    @Test
    void everyBadKeyIsReportedAtOnceWithTheUnsupportedScheme() {
        ConnectorDefinition bad = new ConnectorDefinition("w", "jdbc", "oracle://u:p@h/db",
                Map.of("batch_size", 0, "bogus", 1, "auto_create", "perhaps"));
        assertThat(provider.validate(bad)).extracting(ConfigException.ConfigError::key)
                .containsExactlyInAnyOrder("batch_size", "bogus", "auto_create", "connection_string");
        assertThatThrownBy(() -> JdbcSinkProvider.settings(ProviderContext.of(bad))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink 'w'").hasMessageContaining("4 configuration errors");
        assertThat(provider.validate(new ConnectorDefinition("w", "jdbc", null, Map.of())))
                .extracting(ConfigException.ConfigError::key).containsExactly("connection_string");
    }

    @Test
    void connectionStringsBecomeJdbcUrlsWithoutTheCredentials() {
        assertThat(TargetDialect.POSTGRESQL.jdbcUrl(ConnectionString.parse("postgresql://u:p@db1,db2:6432/wh?sslmode=require")))
                .isEqualTo("jdbc:postgresql://db1:5432,db2:6432/wh?sslmode=require");
        assertThat(TargetDialect.forScheme("mysql").jdbcUrl(ConnectionString.parse("mysql://u:p@localhost/shop")))
                .isEqualTo("jdbc:mariadb://localhost:3306/shop");
        assertThat(TargetDialect.forScheme("mariadb")).isEqualTo(TargetDialect.MYSQL);
    }

    @Test
    void upsertsLeaveKeyOnlyRowsAloneAndQuoteIdentifiers() {
        assertThat(TargetDialect.POSTGRESQL.upsert("\"t\"", java.util.List.of("id"), java.util.List.of("id", "na\"me")))
                .isEqualTo("INSERT INTO \"t\" (\"id\", \"na\"\"me\") VALUES (?, ?) ON CONFLICT (\"id\") DO UPDATE SET \"na\"\"me\" = EXCLUDED.\"na\"\"me\"");
        assertThat(TargetDialect.POSTGRESQL.upsert("\"t\"", java.util.List.of("id"), java.util.List.of("id")))
                .endsWith("ON CONFLICT (\"id\") DO NOTHING");
        assertThat(TargetDialect.MYSQL.upsert("`t`", java.util.List.of("id"), java.util.List.of("id", "v")))
                .isEqualTo("INSERT INTO `t` (`id`, `v`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)");
    }
}
