package io.etlcdc.schema;

import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Avro values ↔ the product's row values (the Java types of {@link io.etlcdc.core.event.ColumnType}). */
final class AvroValues {
    private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

    private AvroValues() {}

    /** A field default (as {@link Schema.Field#defaultVal()} gives it) as a row value. */
    static Object fromAvroDefault(Schema schema, Object value) {
        if (value == null || value == JsonProperties.NULL_VALUE) {
            return null;
        }
        if (schema.getType() == Schema.Type.UNION) {
            // a union's default belongs to its first branch
            return fromAvroDefault(schema.getTypes().get(0), value);
        }
        LogicalType lt = schema.getLogicalType();
        String name = lt == null ? "" : lt.getName();
        switch (schema.getType()) {
            case INT -> {
                int v = ((Number) value).intValue();
                return switch (name) {
                    case "date" -> LocalDate.ofEpochDay(v);
                    case "time-millis" -> LocalTime.ofNanoOfDay(v * 1_000_000L);
                    default -> v;
                };
            }
            case LONG -> {
                long v = ((Number) value).longValue();
                return switch (name) {
                    case "time-micros" -> LocalTime.ofNanoOfDay(v * 1_000L);
                    case "timestamp-millis" -> Instant.ofEpochMilli(v);
                    case "timestamp-micros" -> Instant.EPOCH.plus(v, ChronoUnit.MICROS);
                    case "timestamp-nanos" -> Instant.EPOCH.plusNanos(v);
                    case "local-timestamp-millis" -> EPOCH.plus(v, ChronoUnit.MILLIS);
                    case "local-timestamp-micros" -> EPOCH.plus(v, ChronoUnit.MICROS);
                    case "local-timestamp-nanos" -> EPOCH.plusNanos(v);
                    default -> v;
                };
            }
            case FLOAT -> {
                return ((Number) value).floatValue();
            }
            case DOUBLE -> {
                return ((Number) value).doubleValue();
            }
            case BYTES, FIXED -> {
                byte[] bytes = bytes(value);
                if (lt instanceof LogicalTypes.Decimal d) {
                    return new BigDecimal(bytes.length == 0 ? BigInteger.ZERO : new BigInteger(bytes), d.getScale());
                }
                return bytes;
            }
            case STRING, ENUM -> {
                return value.toString();
            }
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (Object o : (Collection<?>) value) {
                    out.add(fromAvroDefault(schema.getElementType(), o));
                }
                return out;
            }
            case MAP -> {
                Map<String, Object> out = new LinkedHashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> out.put(k.toString(), fromAvroDefault(schema.getValueType(), v)));
                return out;
            }
            case RECORD -> {
                Map<String, Object> out = new LinkedHashMap<>();
                Map<?, ?> in = value instanceof Map<?, ?> m ? m : Map.of();
                for (Schema.Field f : schema.getFields()) {
                    Object v = value instanceof GenericData.Record r ? r.get(f.name()) : in.get(f.name());
                    out.put(TableSchemaAvro.columnName(f), fromAvroDefault(f.schema(), v));
                }
                return out;
            }
            default -> {
                return value;
            }
        }
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer bb) {
            ByteBuffer dup = bb.duplicate();
            byte[] out = new byte[dup.remaining()];
            dup.get(out);
            return out;
        }
        if (value instanceof GenericData.Fixed f) {
            return f.bytes();
        }
        return value.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** True when a row value can be an instance of this (non-union) Avro type: used to pick a union branch. */
    static boolean matches(Schema type, Object value) {
        LogicalType lt = type.getLogicalType();
        return switch (type.getType()) {
            case NULL -> value == null;
            case BOOLEAN -> value instanceof Boolean;
            case INT -> value instanceof Integer || value instanceof Short || value instanceof Byte
                    || (lt != null && (value instanceof LocalDate || value instanceof LocalTime));
            case LONG -> value instanceof Long || (lt != null && value instanceof Temporal);
            case FLOAT -> value instanceof Float;
            case DOUBLE -> value instanceof Double;
            case BYTES, FIXED -> value instanceof byte[] || value instanceof ByteBuffer || value instanceof GenericData.Fixed
                    || (lt instanceof LogicalTypes.Decimal && value instanceof BigDecimal);
            case STRING -> value instanceof CharSequence || value instanceof java.util.UUID
                    || (value instanceof BigDecimal);
            case ENUM -> (value instanceof CharSequence || value instanceof Enum<?> || value instanceof GenericData.EnumSymbol)
                    && type.getEnumSymbols().contains(value.toString());
            case ARRAY -> value instanceof Collection<?> || (value != null && value.getClass().isArray() && !(value instanceof byte[]));
            case MAP, RECORD -> value instanceof Map<?, ?> || value instanceof GenericData.Record;
            case UNION -> type.getTypes().stream().anyMatch(b -> matches(b, value));
        };
    }
}
