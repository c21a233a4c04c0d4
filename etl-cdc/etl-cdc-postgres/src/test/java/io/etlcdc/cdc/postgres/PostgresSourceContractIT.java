package io.etlcdc.cdc.postgres;

import io.etlcdc.core.spi.Source;
import io.etlcdc.core.testing.SourceContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;
import java.util.Map;

/** The source contract against embedded PostgreSQL 16 (pgoutput, DDL capture on), Debezium engine. */
class PostgresSourceContractIT extends SourceContractTest {
    private static PgTestDatabase db;

    @BeforeAll
    static void startDatabase() throws Exception {
        db = new PgTestDatabase();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        db.close();
    }

    @Override
    protected void recreateTable() throws Exception {
        db.sql("DROP TABLE IF EXISTS contract_items", "CREATE TABLE contract_items (id bigint PRIMARY KEY, name text)");
    }

    /** The engine under test: {@code debezium} here, {@code native} in {@link NativePostgresSourceContractIT}. */
    protected String engine() {
        return "debezium";
    }

    @Override
    protected Source newSource(String sourceId) {
        return db.source(sourceId, List.of("contract_items"), Map.of("capture_ddl", true, "engine", engine()));
    }

    @Override
    protected String collection() {
        return "public.contract_items";
    }

    @Override
    protected void insertRow(long id, String name) throws Exception {
        db.sql("INSERT INTO contract_items VALUES (" + id + ", '" + name + "')");
    }

    @Override
    protected void updateRow(long id, String name) throws Exception {
        db.sql("UPDATE contract_items SET name = '" + name + "' WHERE id = " + id);
    }

    @Override
    protected void deleteRow(long id) throws Exception {
        db.sql("DELETE FROM contract_items WHERE id = " + id);
    }

    @Override
    protected void insertRowsInOneTransaction(long from, long to) throws Exception {
        long mid = (from + to) / 2;
        // one statement per row, then one multi-row INSERT (rows that may share a WAL record)
        String[] statements = new String[(int) (mid - from + 2)];
        int i = 0;
        for (long id = from; id <= mid; id++) {
            statements[i++] = "INSERT INTO contract_items VALUES (" + id + ", 'tx" + id + "')";
        }
        statements[i] = "INSERT INTO contract_items SELECT g, 'tx' || g FROM generate_series(" + (mid + 1) + ", " + to + ") g";
        db.transaction(statements);
    }

    @Override
    protected void truncate() throws Exception {
        db.sql("TRUNCATE contract_items");
    }

    @Override
    protected void addColumn(String column) throws Exception {
        db.sql("ALTER TABLE contract_items ADD COLUMN " + column + " text");
    }
}
