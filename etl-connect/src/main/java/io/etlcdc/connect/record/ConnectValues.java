package io.etlcdc.connect.record;

import io.etlcdc.core.event.ColumnType;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps Kafka Connect values, as Debezium's connectors write them (including semantic types such as
 * {@code io.debezium.time.MicroTimestamp} and {@code io.debezium.data.VariableScaleDecimal}), onto the
 * Java types that {@link ColumnType} names, so that a record read from a topic becomes the same
 * {@link io.etlcdc.core.event.ChangeEvent} row the embedded source would have produced. Stateless and
 * thread-safe.
 */
public final class ConnectValues {
    private static final long MICROS = 1_000_000L;
    private static final long NANOS = 1_000_000_000L;

    private ConnectValues() {}

    /** The logical column type of values of {@code schema}. */
    public static ColumnType typeOf(Schema schema) {
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "org.apache.kafka.connect.data.Decimal", "io.debezium.data.VariableScaleDecimal": return ColumnType.DECIMAL;
                case "org.apache.kafka.connect.data.Date", "io.debezium.time.Date": return ColumnType.DATE;
                case "org.apache.kafka.connect.data.Time", "io.debezium.time.Time", "io.debezium.time.MicroTime",
                     "io.debezium.time.NanoTime": return ColumnType.TIME;
                case "org.apache.kafka.connect.data.Timestamp", "io.debezium.time.Timestamp", "io.debezium.time.MicroTimestamp",
                     "io.debezium.time.NanoTimestamp": return ColumnType.TIMESTAMP;
                case "io.debezium.time.ZonedTimestamp": return ColumnType.TIMESTAMP_TZ;
                case "io.debezium.time.Year": return ColumnType.INT32;
                case "io.debezium.data.Uuid": return ColumnType.UUID;
                case "io.debezium.data.Json": return ColumnType.JSON;
                case "io.debezium.data.Bits": return ColumnType.BYTES;
                default: break;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32 -> ColumnType.INT32;
            case INT64 -> ColumnType.INT64;
            case FLOAT32 -> ColumnType.FLOAT32;
            case FLOAT64 -> ColumnType.FLOAT64;
            case BOOLEAN -> ColumnType.BOOLEAN;
            case STRING -> ColumnType.STRING;
            case BYTES -> ColumnType.BYTES;
            case ARRAY -> ColumnType.ARRAY;
            case MAP, STRUCT -> ColumnType.STRUCT;
        };
    }

    /** A non-null value of {@code schema} as the Java type of its column type. */
    public static Object convert(Schema schema, Object v) {
        if (v == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "org.apache.kafka.connect.data.Decimal": return v;
                case "io.debezium.data.VariableScaleDecimal": {
                    Struct s = (Struct) v;
                    return new BigDecimal(new BigInteger(bytes(s.get("value"))), s.getInt32("scale"));
                }
                case "org.apache.kafka.connect.data.Date":
                    return LocalDate.ofEpochDay(Math.floorDiv(((java.util.Date) v).getTime(), 86_400_000L));
                case "org.apache.kafka.connect.data.Time":
                    return LocalTime.ofNanoOfDay(Math.floorMod(((java.util.Date) v).getTime(), 86_400_000L) * 1_000_000L);
                case "org.apache.kafka.connect.data.Timestamp": return localDateTime(((java.util.Date) v).getTime() * 1000L);
                case "io.debezium.time.Date": return LocalDate.ofEpochDay(((Number) v).longValue());
                case "io.debezium.time.Time": return LocalTime.ofNanoOfDay(((Number) v).longValue() * 1_000_000L);
                case "io.debezium.time.MicroTime":
                    return LocalTime.ofNanoOfDay(Math.min(((Number) v).longValue() * 1000L, LocalTime.MAX.toNanoOfDay()));
                case "io.debezium.time.NanoTime": return LocalTime.ofNanoOfDay(((Number) v).longValue());
                case "io.debezium.time.Timestamp": return localDateTime(((Number) v).longValue() * 1000L);
                case "io.debezium.time.MicroTimestamp": return localDateTime(((Number) v).longValue());
                case "io.debezium.time.NanoTimestamp": {
                    long n = ((Number) v).longValue();
                    return LocalDateTime.ofEpochSecond(Math.floorDiv(n, NANOS), (int) Math.floorMod(n, NANOS), ZoneOffset.UTC);
                }
                case "io.debezium.time.ZonedTimestamp": return instant((String) v);
                case "io.debezium.time.Year": return ((Number) v).intValue();
                case "io.debezium.data.Uuid": return ((String) v).toLowerCase(Locale.ROOT);
                case "io.debezium.data.Bits": return bytes(v);
                default: break;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16 -> ((Number) v).intValue();
            case BYTES -> bytes(v);
            case ARRAY -> {
                List<?> in = (List<?>) v;
                List<Object> out = new ArrayList<>(in.size());
                for (Object o : in) {
                    out.add(convert(schema.valueSchema(), o));
                }
                yield out;
            }
            case MAP -> {
                Map<?, ?> in = (Map<?, ?>) v;
                Map<String, Object> out = new LinkedHashMap<>(Math.max(4, in.size() * 2));
                in.forEach((k, o) -> out.put(String.valueOf(k), convert(schema.valueSchema(), o)));
                yield out;
            }
            case STRUCT -> row((Struct) v);
            default -> v;
        };
    }

    /** A struct's fields as a row of converted values, in field order. */
    public static Map<String, Object> row(Struct s) {
        List<Field> fields = s.schema().fields();
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, fields.size() * 2));
        for (Field f : fields) {
            out.put(f.name(), convert(f.schema(), s.get(f)));
        }
        return out;
    }

    /** A schemaless value (from a converter without schemas): nested maps and lists copied, other values as they are. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> row(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 2));
        m.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Map<?, ?> nested ? row(nested) : v));
        return out;
    }

    private static Object instant(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e2) {
                return s; // "infinity" and the like stay text
            }
        }
    }

    private static LocalDateTime localDateTime(long epochMicros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMicros, MICROS), (int) (Math.floorMod(epochMicros, MICROS) * 1000L),
                ZoneOffset.UTC);
    }

    /** Connect BYTES values come as ByteBuffer or byte[]. */
    static byte[] bytes(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        ByteBuffer buf = ((ByteBuffer) v).duplicate();
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }
}
