package io.etlcdc.cdc.debezium;

import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.TableSchema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One table version as Debezium describes it (a Connect row schema), compiled once: per column the
 * converter to the product's Java types, whether it may carry Debezium's "unavailable value"
 * placeholder, and the {@link TableSchema} shared by every event of this version. Immutable.
 */
final class RowShape {
    private static final String SOURCE_TYPE = "__debezium.source.column.type";
    private static final String SOURCE_LENGTH = "__debezium.source.column.length";
    private static final String SOURCE_SCALE = "__debezium.source.column.scale";

    private final Field[] fields;
    private final String[] names;
    private final UnaryOperator<Object>[] converters;
    private final boolean[] mayBeUnavailable;
    private final TableSchema tableSchema;
    private final String placeholder;
    private final byte[] placeholderBytes;

    @SuppressWarnings("unchecked")
    RowShape(String collection, Schema rowSchema, List<String> primaryKey, String placeholder) {
        List<Field> list = rowSchema.fields();
        int n = list.size();
        this.fields = list.toArray(new Field[0]);
        this.names = new String[n];
        this.converters = new UnaryOperator[n];
        this.mayBeUnavailable = new boolean[n];
        this.placeholder = placeholder;
        this.placeholderBytes = placeholder == null ? null : placeholder.getBytes(StandardCharsets.UTF_8);
        List<TableSchema.Column> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Field f = fields[i];
            Schema s = f.schema();
            ConnectValues.Plan plan = ConnectValues.plan(s);
            names[i] = f.name();
            converters[i] = plan.converter();
            Schema.Type t = s.type();
            mayBeUnavailable[i] = placeholder != null && (t == Schema.Type.STRING || t == Schema.Type.BYTES || t == Schema.Type.ARRAY);
            columns.add(column(f.name(), s, plan.type()));
        }
        this.tableSchema = new TableSchema(collection, columns, primaryKey);
    }

    private static TableSchema.Column column(String name, Schema s, ColumnType type) {
        Map<String, String> p = s.parameters() == null ? Map.of() : s.parameters();
        String sourceType = p.get(SOURCE_TYPE);
        Integer precision = parseInt(p.get(SOURCE_LENGTH));
        Integer scale = parseInt(p.get(SOURCE_SCALE));
        if (scale == null && p.containsKey("scale")) {
            scale = parseInt(p.get("scale"));
        }
        String defaultValue = s.defaultValue() == null ? null : String.valueOf(s.defaultValue());
        return new TableSchema.Column(name, type, sourceType(sourceType), s.isOptional(), defaultValue, precision, scale);
    }

    /**
     * The column's database type, lower case. PostgreSQL's {@code serial} types are only shorthands for an
     * integer column with a sequence default: Debezium names them so in a snapshot (from the table's DDL)
     * but by the stored type while streaming, which would register a new schema version for nothing.
     */
    static String sourceType(String reported) {
        if (reported == null) {
            return null;
        }
        String t = reported.toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case "smallserial", "serial2" -> "int2";
            case "serial", "serial4" -> "int4";
            case "bigserial", "serial8" -> "int8";
            default -> t;
        };
    }

    private static Integer parseInt(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    TableSchema tableSchema() {
        return tableSchema;
    }

    /**
     * The row as a map of converted values. Columns holding the unavailable-value placeholder are left
     * out and, when {@code unavailable} is not null, added to it.
     */
    Map<String, Object> convert(Struct row, Set<String> unavailable) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, (int) (fields.length / 0.75f) + 1));
        for (int i = 0; i < fields.length; i++) {
            Object v = row.get(fields[i]);
            if (v == null) {
                out.put(names[i], null);
                continue;
            }
            if (mayBeUnavailable[i] && isPlaceholder(v)) {
                if (unavailable != null) {
                    unavailable.add(names[i]);
                }
                continue;
            }
            out.put(names[i], converters[i].apply(v));
        }
        return out;
    }

    /** True when the row has a column holding the placeholder (cheap pre-check before allocating a set). */
    boolean hasPlaceholder(Struct row) {
        for (int i = 0; i < fields.length; i++) {
            if (mayBeUnavailable[i]) {
                Object v = row.get(fields[i]);
                if (v != null && isPlaceholder(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean isPlaceholder(Object v) {
        if (v instanceof String s) {
            return s.length() == placeholder.length() && s.equals(placeholder);
        }
        if (v instanceof byte[] b) {
            return Arrays.equals(b, placeholderBytes);
        }
        if (v instanceof java.nio.ByteBuffer buf) {
            return buf.remaining() == placeholderBytes.length && ConnectValues.bytes(buf).length == placeholderBytes.length
                    && Arrays.equals(ConnectValues.bytes(buf), placeholderBytes);
        }
        if (v instanceof List<?> l) {
            return l.size() == 1 && l.get(0) != null && isPlaceholder(l.get(0));
        }
        return false;
    }

    /** Names of the row's columns, for tests. */
    Set<String> names() {
        return new HashSet<>(Arrays.asList(names));
    }
}
