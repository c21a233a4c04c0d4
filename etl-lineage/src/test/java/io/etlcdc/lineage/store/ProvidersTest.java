package io.etlcdc.lineage.store;

import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.AuditLog;
import io.etlcdc.core.spi.AuditLogProvider;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.spi.LineageStoreProvider;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProvidersTest {
    @TempDir
    Path dataDir;

    private final ProviderRegistry<LineageStoreProvider> lineage =
            ProviderRegistry.load(LineageStoreProvider.class, ProvidersTest.class.getClassLoader());
    private final ProviderRegistry<AuditLogProvider> audit =
            ProviderRegistry.load(AuditLogProvider.class, ProvidersTest.class.getClassLoader());

    @Test
    void bothKindsAreFoundThroughServiceLoader() {
        assertThat(lineage.identifiers()).contains("memory", "jdbc");
        assertThat(audit.identifiers()).contains("memory", "jdbc");
        assertThat(lineage.get("memory").create(ProviderContext.builder("lineage").build())).isInstanceOf(InMemoryLineageStore.class);
        assertThat(audit.get("memory").create(ProviderContext.builder("audit").build())).isInstanceOf(InMemoryAuditLog.class);
    }

    @Test
    void jdbcUsesTheHostsDataSourceAndTablePrefix() throws Exception {
        JdbcConnectionPool pool = H2Stores.open(dataDir);
        try {
            ProviderContext ctx = ProviderContext.builder("lineage").service(DataSource.class, pool)
                    .config(Configuration.of(Map.of("table_prefix", "app1_"))).build();
            try (LineageStore store = lineage.get("jdbc").create(ctx); AuditLog log = audit.get("jdbc").create(ctx)) {
                assertThat(store).isInstanceOf(JdbcLineageStore.class);
                assertThat(log).isInstanceOf(JdbcAuditLog.class);
            }
            try (var c = pool.getConnection(); var rs = c.getMetaData().getTables(null, null, "app1_%", null)) {
                java.util.List<String> tables = new java.util.ArrayList<>();
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
                assertThat(tables).contains("app1_lineage_assets", "app1_lineage_edges", "app1_lineage_flows", "app1_audit_log");
            }
        } finally {
            pool.dispose();
        }
    }

    @Test
    void jdbcWithoutADataSourceSaysWhatIsMissing() {
        ProviderContext ctx = ProviderContext.builder("lineage").build();
        assertThatThrownBy(() -> lineage.get("jdbc").create(ctx)).isInstanceOf(EtlException.class)
                .satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.CONFIG_INVALID))
                .hasMessageContaining("javax.sql.DataSource");
    }

    @Test
    void badOptionsAreNamedWithTheirValues() {
        ProviderContext ctx = ProviderContext.builder("audit").config(Configuration.of(Map.of("table_prefix", "Bad-Prefix", "colour", "red")))
                .build();
        assertThatThrownBy(() -> audit.get("jdbc").create(ctx)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'table_prefix' = 'Bad-Prefix'")
                .hasMessageContaining("'colour'");
    }
}
