package io.etlcdc.cdc.postgres.nativ;

import io.etlcdc.core.event.ColumnType;

import java.util.function.Function;

/**
 * A PostgreSQL type as the native engine converts it: its name, the product's {@link ColumnType} and
 * the conversion of a value in PostgreSQL's text output format. Immutable.
 *
 * @param oid     the type's OID
 * @param name    {@code pg_type.typname}, e.g. {@code int8}, {@code _int4} for arrays
 * @param type    the product's column type ({@link ColumnType#UNKNOWN} for types read as text)
 * @param parser  text form to Java value (never called with null)
 */
public record PgType(int oid, String name, ColumnType type, Function<String, Object> parser) {

    /** A type the engine does not know: values stay text and the column names the type. */
    public static PgType unknown(int oid, String name) {
        return new PgType(oid, name == null ? "oid:" + oid : name, ColumnType.UNKNOWN, s -> s);
    }

    /** An enum type: values are their labels. */
    public static PgType enumType(int oid, String name) {
        return new PgType(oid, name, ColumnType.STRING, s -> s);
    }

    /** An array of {@code element}: values are lists (nested for several dimensions). */
    public static PgType arrayOf(int oid, String name, PgType element) {
        char delimiter = element.oid() == PgValues.BOX ? ';' : ',';
        return new PgType(oid, name, ColumnType.ARRAY, s -> PgValues.parseArray(s, delimiter, element.parser()));
    }
}
