package io.etlcdc.connect.sink;

/**
 * The product's {@code jdbc} sink as a Connect sink connector: batched upsert by primary key (deletes by
 * key) into PostgreSQL or MySQL/MariaDB tables named after the source tables, one transaction per batch.
 *
 * <pre>
 * connector.class=io.etlcdc.connect.sink.JdbcSinkConnector
 * topics.regex=postgres_main\\.public\\..*
 * sink.id=warehouse
 * connection.string=postgresql://etl:secret@warehouse-db:5432/warehouse
 * sink.config={"table_prefix": "", "auto_create": true}
 * </pre>
 */
public final class JdbcSinkConnector extends EtlSinkConnector {
    @Override
    protected String sinkType() {
        return "jdbc";
    }
}
