package io.etlcdc.core.jdbc;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.OffsetStore;
import io.etlcdc.core.spi.StateStore;
import io.etlcdc.core.testing.OffsetStoreContractTest;
import io.etlcdc.core.testing.StateStoreContractTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDBC stores against the embedded H2 default and a real PostgreSQL. */
class JdbcStoresIT {
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    static DataSource h2(Path dir) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("etl") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        return ds;
    }

    static void dropAll(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS etl_offsets");
            s.execute("DROP TABLE IF EXISTS etl_state");
        }
    }

    @Test
    void upsertStatementsPerDialect() {
        assertThat(JdbcDialect.POSTGRESQL.upsert("t", List.of("id"), List.of("id", "v")))
                .isEqualTo("INSERT INTO \"t\" (\"id\", \"v\") VALUES (?, ?) ON CONFLICT (\"id\") DO UPDATE SET \"v\" = EXCLUDED.\"v\"");
        assertThat(JdbcDialect.H2.upsert("t", List.of("id"), List.of("id", "v")))
                .isEqualTo("MERGE INTO \"t\" (\"id\", \"v\") KEY (\"id\") VALUES (?, ?)");
        assertThat(JdbcDialect.MYSQL.upsert("t", List.of("id"), List.of("id", "v")))
                .isEqualTo("INSERT INTO `t` (`id`, `v`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)");
        assertThat(JdbcDialect.MYSQL.quote("a`b")).isEqualTo("`a``b`");
    }

    @Nested
    class H2Offsets extends OffsetStoreContractTest {
        @TempDir
        Path dir;

        @Override
        protected OffsetStore newStore() {
            return new JdbcOffsetStore(h2(dir));
        }

        @Override
        protected OffsetStore reopen(OffsetStore store) {
            return new JdbcOffsetStore(h2(dir));
        }
    }

    @Nested
    class H2State extends StateStoreContractTest {
        @TempDir
        Path dir;

        @Override
        protected StateStore newStore() {
            return new JdbcStateStore(h2(dir));
        }

        @Override
        protected StateStore reopen(StateStore store) {
            return new JdbcStateStore(h2(dir));
        }
    }

    @Nested
    class PostgresOffsets extends OffsetStoreContractTest {
        @BeforeEach
        void clean() throws Exception {
            dropAll(postgres.getPostgresDatabase());
        }

        @Override
        protected OffsetStore newStore() {
            return new JdbcOffsetStore(postgres.getPostgresDatabase());
        }

        @Override
        protected OffsetStore reopen(OffsetStore store) {
            return new JdbcOffsetStore(postgres.getPostgresDatabase());
        }

        @Test
        void anUnreadablePositionIsRefusedNamingTheSource() throws Exception {
            OffsetStore store = newStore();
            store.commit("pg", io.etlcdc.core.event.Position.of(1L));
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("UPDATE etl_offsets SET position = '{broken' WHERE source_id = 'pg'");
            }
            assertThatThrownBy(() -> store.load("pg")).isInstanceOf(EtlException.class)
                    .hasMessageContaining("'pg'").hasMessageContaining("re-snapshot")
                    .satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.STATE_CORRUPT));
        }
    }

    @Nested
    class PostgresState extends StateStoreContractTest {
        @BeforeEach
        void clean() throws Exception {
            dropAll(postgres.getPostgresDatabase());
        }

        @Override
        protected StateStore newStore() {
            return new JdbcStateStore(postgres.getPostgresDatabase());
        }

        @Override
        protected StateStore reopen(StateStore store) {
            return new JdbcStateStore(postgres.getPostgresDatabase());
        }
    }
}
