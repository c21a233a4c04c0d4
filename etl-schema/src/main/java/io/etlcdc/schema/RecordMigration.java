package io.etlcdc.schema;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.schema.CompatibilityChecker.Direction;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a row written with one schema as another: compiled once from a writer and a reader schema
 * (Avro records), then applied to any number of rows ({@code Map<String, Object>}, the product's row
 * representation). Follows Avro's schema-resolution rules on row values:
 * <ul>
 *   <li>fields only the reader has get their default (null for optional fields);</li>
 *   <li>fields only the writer has are dropped;</li>
 *   <li>a reader field whose {@code aliases} name a writer field takes that field's value (a rename);</li>
 *   <li>numbers are widened int→long→float→double; string↔bytes as UTF-8; decimals are rescaled to the
 *   reader's scale (exactly, never rounded);</li>
 *   <li>nested records, arrays, maps and unions are resolved the same way, branch by branch;</li>
 *   <li>an enum symbol the reader lacks becomes the reader's enum default.</li>
 * </ul>
 * A column the row does not carry (an unchanged TOAST value) stays absent rather than being defaulted.
 * Immutable and thread-safe; {@link #apply} allocates only the output row.
 */
public final class RecordMigration {
    private static final Converter IDENTITY = (value) -> value;

    private final Schema writer;
    private final Schema reader;
    private final RecordPlan plan;

    private RecordMigration(Schema writer, Schema reader, RecordPlan plan) {
        this.writer = writer;
        this.reader = reader;
        this.plan = plan;
    }

    /**
     * A migration of rows written with {@code writer} to the shape of {@code reader}.
     *
     * @throws SchemaIncompatibleException when the reader cannot read what the writer wrote, listing why
     * @throws EtlException                {@link ErrorCode#CONFIG_INVALID} when either schema is not a record
     */
    public static RecordMigration between(Schema writer, Schema reader) {
        return compile(writer, reader, new Direction("the reader schema", "the writer schema", true));
    }

    static RecordMigration compile(Schema writer, Schema reader, Direction direction) {
        if (writer.getType() != Schema.Type.RECORD || reader.getType() != Schema.Type.RECORD) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "rows can be migrated between record schemas only, got "
                    + writer.getType() + " → " + reader.getType());
        }
        List<Incompatibility> problems = CompatibilityChecker.check(reader, writer, direction);
        if (!problems.isEmpty()) {
            throw new SchemaIncompatibleException(direction.reader() + " cannot read records written with " + direction.writer(), problems);
        }
        return new RecordMigration(writer, reader, writer.equals(reader) ? null : new RecordPlan(reader, writer, ""));
    }

    /** The schema rows are read from. */
    public Schema writerSchema() {
        return writer;
    }

    /** The schema rows are migrated to. */
    public Schema readerSchema() {
        return reader;
    }

    /** True when the two schemas are equal and {@link #apply} returns its input. */
    public boolean isIdentity() {
        return plan == null;
    }

    /**
     * The row in the reader's shape: a new map in the reader's field order, or the input itself when the
     * schemas are equal. Null stays null.
     *
     * @throws EtlException {@link ErrorCode#SCHEMA_INCOMPATIBLE} when a value cannot be represented
     *                      (a decimal that would need rounding, an unknown enum symbol without default)
     */
    public Map<String, Object> apply(Map<String, Object> row) {
        if (row == null || plan == null) {
            return row;
        }
        return plan.apply(row);
    }

    // ---- compiled plans -----------------------------------------------------------------------

    @FunctionalInterface
    private interface Converter {
        Object convert(Object value);
    }

    private record FieldPlan(String outKey, String inKey, Converter converter, Object defaultValue) {}

    private static final class RecordPlan implements Converter {
        private final FieldPlan[] fields;

        RecordPlan(Schema reader, Schema writer, String path) {
            List<FieldPlan> list = new ArrayList<>();
            for (Schema.Field rf : reader.getFields()) {
                String out = TableSchemaAvro.columnName(rf);
                String fieldPath = path.isEmpty() ? out : path + "." + out;
                Schema.Field wf = SchemaCompatibility.lookupWriterField(writer, rf);
                if (wf == null) {
                    list.add(new FieldPlan(out, null, null, AvroValues.fromAvroDefault(rf.schema(), rf.defaultVal())));
                } else {
                    list.add(new FieldPlan(out, TableSchemaAvro.columnName(wf), converter(rf.schema(), wf.schema(), fieldPath), null));
                }
            }
            this.fields = list.toArray(new FieldPlan[0]);
        }

        @SuppressWarnings("unchecked")
        @Override
        public Object convert(Object value) {
            return value instanceof Map<?, ?> m ? apply((Map<String, Object>) m) : value;
        }

        Map<String, Object> apply(Map<String, Object> row) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, fields.length * 4 / 3 + 1));
            for (FieldPlan f : fields) {
                if (f.inKey() == null) {
                    out.put(f.outKey(), copyOf(f.defaultValue()));
                } else {
                    Object v = row.get(f.inKey());
                    if (v != null || row.containsKey(f.inKey())) {
                        out.put(f.outKey(), v == null ? null : f.converter().convert(v));
                    }
                }
            }
            return out;
        }
    }

    /** Defaults are shared across rows: hand out copies of the mutable ones. */
    private static Object copyOf(Object v) {
        if (v instanceof byte[] b) {
            return b.clone();
        }
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof Map<?, ?> m) {
            return new LinkedHashMap<>(m);
        }
        return v;
    }

    private static Converter converter(Schema reader, Schema writer, String path) {
        if (reader.equals(writer)) {
            return IDENTITY;
        }
        if (writer.getType() == Schema.Type.UNION) {
            List<Schema> branches = writer.getTypes();
            Schema[] writerBranches = branches.toArray(new Schema[0]);
            Converter[] converters = new Converter[writerBranches.length];
            boolean allIdentity = true;
            for (int i = 0; i < writerBranches.length; i++) {
                if (writerBranches[i].getType() == Schema.Type.NULL) {
                    converters[i] = IDENTITY;
                    continue;
                }
                Schema target = reader.getType() == Schema.Type.UNION ? readerBranch(reader, writerBranches[i], path) : reader;
                converters[i] = converter(target, writerBranches[i], path);
                allIdentity &= converters[i] == IDENTITY;
            }
            if (allIdentity) {
                return IDENTITY;
            }
            return value -> {
                for (int i = 0; i < writerBranches.length; i++) {
                    if (writerBranches[i].getType() != Schema.Type.NULL && AvroValues.matches(writerBranches[i], value)) {
                        return converters[i].convert(value);
                    }
                }
                return value;
            };
        }
        if (reader.getType() == Schema.Type.UNION) {
            return converter(readerBranch(reader, writer, path), writer, path);
        }
        switch (reader.getType()) {
            case RECORD -> {
                return new RecordPlan(reader, writer, path);
            }
            case ARRAY -> {
                Converter items = converter(reader.getElementType(), writer.getElementType(), path + "[]");
                if (items == IDENTITY) {
                    return IDENTITY;
                }
                return value -> {
                    if (!(value instanceof Collection<?> c)) {
                        return value;
                    }
                    List<Object> out = new ArrayList<>(c.size());
                    for (Object o : c) {
                        out.add(o == null ? null : items.convert(o));
                    }
                    return out;
                };
            }
            case MAP -> {
                Converter values = converter(reader.getValueType(), writer.getValueType(), path + "{}");
                if (values == IDENTITY) {
                    return IDENTITY;
                }
                return value -> {
                    if (!(value instanceof Map<?, ?> m)) {
                        return value;
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : values.convert(v)));
                    return out;
                };
            }
            case ENUM -> {
                Set<String> symbols = new HashSet<>(reader.getEnumSymbols());
                if (symbols.containsAll(writer.getType() == Schema.Type.ENUM ? writer.getEnumSymbols() : List.of())) {
                    return value -> value instanceof CharSequence ? value : value.toString();
                }
                String fallback = reader.getEnumDefault();
                return value -> {
                    String symbol = value.toString();
                    if (symbols.contains(symbol)) {
                        return symbol;
                    }
                    if (fallback != null) {
                        return fallback;
                    }
                    throw new EtlException(ErrorCode.SCHEMA_INCOMPATIBLE, "field '" + path + "': symbol '" + symbol
                            + "' is not one of " + reader.getEnumSymbols() + " and the enum has no default");
                };
            }
            default -> {
                return primitive(reader, writer, path);
            }
        }
    }

    private static Converter primitive(Schema reader, Schema writer, String path) {
        if (reader.getLogicalType() instanceof LogicalTypes.Decimal dec) {
            int scale = dec.getScale();
            return value -> {
                BigDecimal d;
                if (value instanceof BigDecimal b) {
                    d = b;
                } else if (value instanceof BigInteger bi) {
                    d = new BigDecimal(bi);
                } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    d = BigDecimal.valueOf(((Number) value).longValue());
                } else if (value instanceof Number n) {
                    d = new BigDecimal(n.toString());
                } else if (value instanceof CharSequence s) {
                    d = new BigDecimal(s.toString().trim());
                } else {
                    return value;
                }
                if (d.scale() == scale) {
                    return d;
                }
                try {
                    return d.setScale(scale, RoundingMode.UNNECESSARY);
                } catch (ArithmeticException e) {
                    throw new EtlException(ErrorCode.SCHEMA_INCOMPATIBLE, "field '" + path + "': a value with " + d.scale()
                            + " decimal places cannot be stored with scale " + scale + " without rounding");
                }
            };
        }
        return switch (reader.getType()) {
            case LONG -> value -> value instanceof Integer || value instanceof Short || value instanceof Byte
                    ? Long.valueOf(((Number) value).longValue()) : value;
            case FLOAT -> value -> value instanceof Number n && !(value instanceof Float) && !(value instanceof BigDecimal)
                    ? Float.valueOf(n.floatValue()) : value;
            case DOUBLE -> value -> value instanceof Number n && !(value instanceof Double) && !(value instanceof BigDecimal)
                    ? Double.valueOf(n.doubleValue()) : value;
            case STRING -> writer.getType() == Schema.Type.BYTES && writer.getLogicalType() == null ? value -> {
                if (value instanceof byte[] b) {
                    return new String(b, StandardCharsets.UTF_8);
                }
                if (value instanceof ByteBuffer bb) {
                    return StandardCharsets.UTF_8.decode(bb.duplicate()).toString();
                }
                return value;
            } : writer.getLogicalType() instanceof LogicalTypes.Decimal
                    ? value -> value instanceof BigDecimal d ? d.toPlainString() : value
                    : IDENTITY;
            case BYTES -> writer.getType() == Schema.Type.STRING
                    ? value -> value instanceof CharSequence s ? s.toString().getBytes(StandardCharsets.UTF_8) : value
                    : IDENTITY;
            default -> IDENTITY;
        };
    }

    /** The reader union branch that takes values of a writer type: same type first, else the first that can read it. */
    private static Schema readerBranch(Schema readerUnion, Schema writer, String path) {
        for (Schema b : readerUnion.getTypes()) {
            if (b.getType() == writer.getType() && (!isNamed(b) || SchemaCompatibility.schemaNameEquals(b, writer))) {
                return b;
            }
        }
        for (Schema b : readerUnion.getTypes()) {
            if (SchemaCompatibility.checkReaderWriterCompatibility(b, writer).getType()
                    == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                return b;
            }
        }
        throw new EtlException(ErrorCode.SCHEMA_INCOMPATIBLE, "field '" + path + "': no branch of "
                + CompatibilityChecker.describe(readerUnion) + " reads " + CompatibilityChecker.describe(writer));
    }

    private static boolean isNamed(Schema s) {
        return Arrays.asList(Schema.Type.RECORD, Schema.Type.ENUM, Schema.Type.FIXED).contains(s.getType());
    }
}
