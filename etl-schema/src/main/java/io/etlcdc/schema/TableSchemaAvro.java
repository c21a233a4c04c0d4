package io.etlcdc.schema;

import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.event.TableSchema.Column;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Converts the product's table-schema format ({@link TableSchema}) to an Avro record schema and back.
 *
 * <p><b>Types.</b> BOOLEAN→boolean, INT32→int, INT64→long, FLOAT32→float, FLOAT64→double,
 * DECIMAL→bytes with logical type {@code decimal(precision, scale)} (a string when the column has no
 * precision, e.g. PostgreSQL's unconstrained {@code numeric}), STRING→string, BYTES→bytes,
 * DATE→int {@code date}, TIME→long {@code time-micros}, TIMESTAMP→long {@code local-timestamp-micros},
 * TIMESTAMP_TZ→long {@code timestamp-micros}, UUID→string {@code uuid}, JSON→string, ARRAY→array of
 * string, STRUCT→map of string, UNKNOWN→string. The table format does not know element types of arrays
 * and structs, so those are approximations.
 *
 * <p><b>Nullability and defaults.</b> A nullable column becomes the union {@code ["null", T]} with
 * default {@code null}. A NOT NULL column whose SQL default is a constant ({@code 0},
 * {@code 'abc'::character varying}, {@code true}, {@code '2024-01-01'::date}, ...) gets that default;
 * expressions ({@code nextval(...)}, {@code now()}) give no Avro default.
 *
 * <p><b>Names.</b> The record is named after the table ({@code public.users} → namespace {@code public},
 * name {@code users}). A column whose name is not a valid Avro name gets a sanitized field name and keeps
 * its real name in the field property {@value #COLUMN_PROP}; migrations and paths use the real name.
 * Stateless and thread-safe.
 */
public final class TableSchemaAvro {
    /** Field property holding the column's real name when it is not a valid Avro name. */
    public static final String COLUMN_PROP = "etl.column";
    /** Field property naming the {@link ColumnType} where the Avro type alone is ambiguous. */
    public static final String COLUMN_TYPE_PROP = "etl.column_type";

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern AVRO_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<ColumnType> AMBIGUOUS = Set.of(ColumnType.JSON, ColumnType.ARRAY, ColumnType.STRUCT, ColumnType.UNKNOWN);

    private TableSchemaAvro() {}

    /** The Avro record schema of a table. */
    public static Schema toAvro(TableSchema table) {
        Objects.requireNonNull(table, "table");
        String collection = table.collection();
        int dot = collection.lastIndexOf('.');
        String name = avroName(dot < 0 ? collection : collection.substring(dot + 1));
        String namespace = dot < 0 ? null : avroNamespace(collection.substring(0, dot));
        List<Schema.Field> fields = new ArrayList<>(table.columns().size());
        Set<String> used = new HashSet<>();
        for (Column c : table.columns()) {
            String fieldName = avroName(c.name());
            for (int n = 2; !used.add(fieldName); n++) {
                fieldName = avroName(c.name()) + "_" + n;
            }
            Schema type = avroType(c);
            Schema.Field field;
            if (c.nullable()) {
                field = new Schema.Field(fieldName, Schema.createUnion(Schema.create(Schema.Type.NULL), type), null,
                        Schema.Field.NULL_DEFAULT_VALUE);
            } else {
                Object def = c.defaultValue() == null ? null : avroDefault(c, type);
                field = def == null ? new Schema.Field(fieldName, type) : fieldWithDefault(fieldName, type, def);
            }
            if (!fieldName.equals(c.name())) {
                field.addProp(COLUMN_PROP, c.name());
            }
            if (AMBIGUOUS.contains(c.type()) || (c.type() == ColumnType.DECIMAL && type.getType() == Schema.Type.STRING)) {
                field.addProp(COLUMN_TYPE_PROP, c.type().name());
            }
            fields.add(field);
        }
        return Schema.createRecord(name, null, namespace, false, fields);
    }

    /** A field with a default, or without one when Avro does not take the default for the type. */
    private static Schema.Field fieldWithDefault(String name, Schema type, Object def) {
        try {
            return new Schema.Field(name, type, null, def);
        } catch (RuntimeException notValidForTheType) {
            return new Schema.Field(name, type);
        }
    }

    /**
     * A table schema from an Avro record schema (the inverse of {@link #toAvro} for the schemas it makes;
     * best effort for others: enums become STRING, records and maps STRUCT). The primary key is unknown
     * to Avro and left empty.
     */
    public static TableSchema fromAvro(Schema record, String collection) {
        if (record.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("a table schema needs an Avro record, got " + record.getType());
        }
        List<Column> columns = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            Schema type = f.schema();
            boolean nullable = false;
            if (type.getType() == Schema.Type.UNION) {
                List<Schema> nonNull = type.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
                nullable = nonNull.size() < type.getTypes().size();
                type = nonNull.size() == 1 ? nonNull.get(0) : Schema.create(Schema.Type.STRING);
            }
            ColumnType ct = columnType(type);
            String declared = f.getProp(COLUMN_TYPE_PROP);
            if (declared != null) {
                ct = ColumnType.valueOf(declared);
            }
            Integer precision = null;
            Integer scale = null;
            if (type.getLogicalType() instanceof LogicalTypes.Decimal d) {
                precision = d.getPrecision();
                scale = d.getScale();
            }
            String name = f.getProp(COLUMN_PROP) != null ? f.getProp(COLUMN_PROP) : f.name();
            columns.add(new Column(name, ct, null, nullable, nullable ? null : sqlDefault(f), precision, scale));
        }
        return new TableSchema(collection, columns, List.of());
    }

    /** The column name a field stands for: its {@value #COLUMN_PROP} property, else its name. */
    public static String columnName(Schema.Field field) {
        String real = field.getProp(COLUMN_PROP);
        return real != null ? real : field.name();
    }

    /**
     * What changed between two shapes of a table, one line per change, e.g.
     * {@code column 'phone' added (STRING, nullable)}; empty when nothing a reader would notice changed.
     */
    public static List<String> describeChanges(TableSchema from, TableSchema to) {
        List<String> out = new ArrayList<>();
        Map<String, Column> before = new LinkedHashMap<>();
        from.columns().forEach(c -> before.put(c.name(), c));
        Set<String> seen = new HashSet<>();
        for (Column c : to.columns()) {
            Column old = before.get(c.name());
            seen.add(c.name());
            if (old == null) {
                out.add("column '" + c.name() + "' added (" + describe(c) + ")");
                continue;
            }
            if (old.type() != c.type() || !Objects.equals(old.precision(), c.precision()) || !Objects.equals(old.scale(), c.scale())
                    || (old.sourceType() != null && c.sourceType() != null && !old.sourceType().equals(c.sourceType()))) {
                out.add("column '" + c.name() + "' type changed from " + typeText(old) + " to " + typeText(c));
            }
            if (old.nullable() != c.nullable()) {
                out.add("column '" + c.name() + "' " + (c.nullable() ? "now allows NULL" : "is now NOT NULL"));
            }
            if (!Objects.equals(old.defaultValue(), c.defaultValue())) {
                out.add("column '" + c.name() + "' default changed from " + old.defaultValue() + " to " + c.defaultValue());
            }
        }
        for (Column c : from.columns()) {
            if (!seen.contains(c.name())) {
                out.add("column '" + c.name() + "' removed");
            }
        }
        if (!from.primaryKey().equals(to.primaryKey())) {
            out.add("primary key changed from " + from.primaryKey() + " to " + to.primaryKey());
        }
        if (out.isEmpty() && !from.columnNames().equals(to.columnNames())) {
            out.add("columns reordered: " + to.columnNames());
        }
        return out;
    }

    private static String describe(Column c) {
        return typeText(c) + (c.nullable() ? ", nullable" : ", NOT NULL") + (c.defaultValue() == null ? "" : ", default " + c.defaultValue());
    }

    private static String typeText(Column c) {
        StringBuilder sb = new StringBuilder(c.type().name());
        if (c.precision() != null) {
            sb.append('(').append(c.precision());
            if (c.scale() != null) {
                sb.append(',').append(c.scale());
            }
            sb.append(')');
        }
        if (c.sourceType() != null) {
            sb.append(" [").append(c.sourceType()).append(']');
        }
        return sb.toString();
    }

    static Schema avroType(Column c) {
        return switch (c.type()) {
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case INT32 -> Schema.create(Schema.Type.INT);
            case INT64 -> Schema.create(Schema.Type.LONG);
            case FLOAT32 -> Schema.create(Schema.Type.FLOAT);
            case FLOAT64 -> Schema.create(Schema.Type.DOUBLE);
            case DECIMAL -> decimal(c.precision(), c.scale());
            case BYTES -> Schema.create(Schema.Type.BYTES);
            case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case TIME -> LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case TIMESTAMP -> LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case TIMESTAMP_TZ -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case UUID -> LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING));
            case ARRAY -> Schema.createArray(Schema.create(Schema.Type.STRING));
            case STRUCT -> Schema.createMap(Schema.create(Schema.Type.STRING));
            case STRING, JSON, UNKNOWN -> Schema.create(Schema.Type.STRING);
        };
    }

    private static Schema decimal(Integer precision, Integer scale) {
        int s = scale == null ? 0 : scale;
        if (precision == null || precision <= 0 || s < 0 || s > precision) {
            // Avro's decimal needs 0 <= scale <= precision; unconstrained numerics keep their exact text
            return Schema.create(Schema.Type.STRING);
        }
        return LogicalTypes.decimal(precision, s).addToSchema(Schema.create(Schema.Type.BYTES));
    }

    private static ColumnType columnType(Schema s) {
        LogicalType lt = s.getLogicalType();
        String ltName = lt == null ? "" : lt.getName();
        return switch (s.getType()) {
            case BOOLEAN -> ColumnType.BOOLEAN;
            case INT -> ltName.equals("date") ? ColumnType.DATE : ltName.equals("time-millis") ? ColumnType.TIME : ColumnType.INT32;
            case LONG -> switch (ltName) {
                case "time-micros" -> ColumnType.TIME;
                case "timestamp-millis", "timestamp-micros", "timestamp-nanos" -> ColumnType.TIMESTAMP_TZ;
                case "local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos" -> ColumnType.TIMESTAMP;
                default -> ColumnType.INT64;
            };
            case FLOAT -> ColumnType.FLOAT32;
            case DOUBLE -> ColumnType.FLOAT64;
            case BYTES, FIXED -> lt instanceof LogicalTypes.Decimal ? ColumnType.DECIMAL : ColumnType.BYTES;
            case STRING -> ltName.equals("uuid") ? ColumnType.UUID : ColumnType.STRING;
            case ENUM -> ColumnType.STRING;
            case ARRAY -> ColumnType.ARRAY;
            case MAP, RECORD -> ColumnType.STRUCT;
            default -> ColumnType.UNKNOWN;
        };
    }

    private static String sqlDefault(Schema.Field f) {
        if (!f.hasDefaultValue()) {
            return null;
        }
        Object v = AvroValues.fromAvroDefault(f.schema(), f.defaultVal());
        if (v == null) {
            return null;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v instanceof BigDecimal bd ? bd.toPlainString() : v.toString();
        }
        if (v instanceof CharSequence || v instanceof LocalDate || v instanceof LocalTime || v instanceof LocalDateTime) {
            return "'" + v.toString().replace("'", "''") + "'";
        }
        return null;
    }

    // ---- SQL default text -> Avro default -----------------------------------------------------

    /** The Avro default for a NOT NULL column's SQL default, or null when it is not a constant of the column's type. */
    static Object avroDefault(Column c, Schema type) {
        Object literal = sqlLiteral(c.defaultValue(), c.type());
        if (literal == null) {
            return null;
        }
        try {
            return switch (c.type()) {
                case BOOLEAN -> bool(literal);
                case INT32 -> number(literal).intValueExact();
                case INT64 -> number(literal).longValueExact();
                case FLOAT32 -> number(literal).floatValue();
                case FLOAT64 -> number(literal).doubleValue();
                case DECIMAL -> {
                    BigDecimal d = number(literal);
                    if (type.getLogicalType() instanceof LogicalTypes.Decimal dec) {
                        yield d.setScale(dec.getScale(), RoundingMode.UNNECESSARY).unscaledValue().toByteArray();
                    }
                    yield d.toPlainString();
                }
                case STRING, JSON, UNKNOWN -> literal instanceof BigDecimal d ? d.toPlainString() : literal instanceof String s ? s : null;
                case UUID -> literal instanceof String s ? UUID.fromString(s).toString() : null;
                case DATE -> literal instanceof String s ? (int) LocalDate.parse(s.trim()).toEpochDay() : null;
                case TIME -> literal instanceof String s ? LocalTime.parse(s.trim()).toNanoOfDay() / 1_000L : null;
                case TIMESTAMP -> literal instanceof String s
                        ? ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), LocalDateTime.parse(s.trim().replace(' ', 'T')))
                        : null;
                default -> null;
            };
        } catch (RuntimeException notAConstantOfThisType) {
            return null;
        }
    }

    /** PostgreSQL quotes negative numbers ({@code '-7'::integer}), so numbers may arrive as strings. */
    private static BigDecimal number(Object literal) {
        if (literal instanceof BigDecimal d) {
            return d;
        }
        if (literal instanceof String s && NUMBER.matcher(s.trim()).matches()) {
            return new BigDecimal(s.trim().startsWith("+") ? s.trim().substring(1) : s.trim());
        }
        throw new IllegalArgumentException("not a number: " + literal);
    }

    private static Boolean bool(Object literal) {
        if (literal instanceof Boolean b) {
            return b;
        }
        String s = literal.toString().trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "t", "true", "1", "y", "yes", "on" -> Boolean.TRUE;
            case "f", "false", "0", "n", "no", "off" -> Boolean.FALSE;
            default -> null;
        };
    }

    /**
     * A constant from SQL default text: a String for a quoted literal (casts such as
     * {@code ::character varying} removed), a BigDecimal for a number, a Boolean; null for NULL and for
     * expressions.
     */
    static Object sqlLiteral(String text, ColumnType type) {
        if (text == null) {
            return null;
        }
        String t = stripParens(text.trim());
        if (t.startsWith("'")) {
            StringBuilder sb = new StringBuilder();
            int i = 1;
            while (i < t.length()) {
                char ch = t.charAt(i);
                if (ch == '\'') {
                    if (i + 1 < t.length() && t.charAt(i + 1) == '\'') {
                        sb.append('\'');
                        i += 2;
                        continue;
                    }
                    String rest = t.substring(i + 1).trim();
                    return rest.isEmpty() || rest.startsWith("::") ? sb.toString() : null;
                }
                sb.append(ch);
                i++;
            }
            return null;
        }
        int cast = t.indexOf("::");
        if (cast >= 0) {
            t = stripParens(t.substring(0, cast).trim());
        }
        if (NUMBER.matcher(t).matches()) {
            return new BigDecimal(t.startsWith("+") ? t.substring(1) : t);
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Boolean.valueOf(lower);
        }
        if (lower.equals("null") || t.isEmpty() || t.contains("(") || lower.startsWith("current_") || lower.startsWith("localtime")) {
            return null;
        }
        // MySQL reports string defaults unquoted
        boolean textual = type == ColumnType.STRING || type == ColumnType.JSON || type == ColumnType.UUID || type == ColumnType.UNKNOWN
                || type == ColumnType.DATE || type == ColumnType.TIME || type == ColumnType.TIMESTAMP || type == ColumnType.BOOLEAN;
        return textual ? t : null;
    }

    private static String stripParens(String t) {
        while (t.length() >= 2 && t.charAt(0) == '(' && t.charAt(t.length() - 1) == ')') {
            t = t.substring(1, t.length() - 1).trim();
        }
        return t;
    }

    private static String avroName(String raw) {
        if (AVRO_NAME.matcher(raw).matches()) {
            return raw;
        }
        StringBuilder sb = new StringBuilder(raw.length() + 1);
        for (int i = 0; i < raw.length(); i++) {
            char ch = raw.charAt(i);
            sb.append((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ? ch : '_');
        }
        if (sb.length() == 0 || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, '_');
        }
        return sb.toString();
    }

    private static String avroNamespace(String raw) {
        String[] parts = raw.split("\\.");
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p.isEmpty()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(avroName(p));
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
