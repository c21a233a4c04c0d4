package io.etlcdc.cdc.postgres.nativ;

import io.etlcdc.core.event.TableSchema;

import java.util.List;

/**
 * One table as a pgoutput Relation message describes it, with each column's type resolved. The
 * engine replaces it whenever PostgreSQL sends a new Relation message (after DDL). Immutable.
 *
 * @param oid             the table's OID
 * @param namespace       schema name ({@code pg_catalog} when pgoutput sends the empty string)
 * @param name            table name
 * @param replicaIdentity {@code d} default, {@code f} full, {@code i} index, {@code n} nothing
 * @param columns         in table order
 */
public record PgRelation(int oid, String namespace, String name, char replicaIdentity, List<Column> columns) {

    public PgRelation {
        columns = List.copyOf(columns);
    }

    /**
     * One column.
     *
     * @param name   column name
     * @param key    part of the replica identity (pgoutput's flag 1)
     * @param type   resolved type
     * @param typmod {@code atttypmod}, -1 when none
     */
    public record Column(String name, boolean key, PgType type, int typmod) {}

    /** {@code schema.table}. */
    public String qualified() {
        return namespace + "." + name;
    }

    /** Column names, for building the product's {@link TableSchema}. */
    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }
}
