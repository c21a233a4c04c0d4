package io.etlcdc.cdc.debezium;

import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.json.IsoInstant;
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
import java.util.function.UnaryOperator;

/**
 * Maps Kafka Connect values (as Debezium produces them, including its semantic types such as
 * {@code io.debezium.time.MicroTimestamp}) onto the Java types of {@link ColumnType}. A converter is
 * chosen once per column schema; converting a value is then a single call. Stateless, thread-safe.
 */
public final class ConnectValues {
    private ConnectValues() {}

    /** How to convert one column: its logical type and the conversion of a non-null value. */
    public record Plan(ColumnType type, UnaryOperator<Object> converter) {}

    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** The plan for values of {@code schema}. */
    public static Plan plan(Schema schema) {
        String name = schema.name();
        if (name != null) {
            Plan semantic = semantic(name, schema);
            if (semantic != null) {
                return semantic;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16 -> new Plan(ColumnType.INT32, v -> ((Number) v).intValue());
            case INT32 -> new Plan(ColumnType.INT32, UnaryOperator.identity());
            case INT64 -> new Plan(ColumnType.INT64, UnaryOperator.identity());
            case FLOAT32 -> new Plan(ColumnType.FLOAT32, UnaryOperator.identity());
            case FLOAT64 -> new Plan(ColumnType.FLOAT64, UnaryOperator.identity());
            case BOOLEAN -> new Plan(ColumnType.BOOLEAN, UnaryOperator.identity());
            case STRING -> new Plan(ColumnType.STRING, UnaryOperator.identity());
            case BYTES -> new Plan(ColumnType.BYTES, ConnectValues::bytes);
            case ARRAY -> {
                UnaryOperator<Object> element = plan(schema.valueSchema()).converter();
                yield new Plan(ColumnType.ARRAY, v -> {
                    List<?> in = (List<?>) v;
                    List<Object> out = new ArrayList<>(in.size());
                    for (Object o : in) {
                        out.add(o == null ? null : element.apply(o));
                    }
                    return out;
                });
            }
            case MAP -> {
                UnaryOperator<Object> value = plan(schema.valueSchema()).converter();
                yield new Plan(ColumnType.STRUCT, v -> {
                    Map<?, ?> in = (Map<?, ?>) v;
                    Map<String, Object> out = new LinkedHashMap<>(in.size() * 2);
                    in.forEach((k, o) -> out.put(String.valueOf(k), o == null ? null : value.apply(o)));
                    return out;
                });
            }
            case STRUCT -> new Plan(ColumnType.STRUCT, v -> struct((Struct) v));
        };
    }

    private static Plan semantic(String name, Schema schema) {
        switch (name) {
            case "org.apache.kafka.connect.data.Decimal":
                return new Plan(ColumnType.DECIMAL, UnaryOperator.identity());
            case "io.debezium.data.VariableScaleDecimal":
                return new Plan(ColumnType.DECIMAL, v -> {
                    Struct s = (Struct) v;
                    return new BigDecimal(new BigInteger(bytes(s.get("value"))), s.getInt32("scale"));
                });
            case "org.apache.kafka.connect.data.Date":
                return new Plan(ColumnType.DATE, v -> LocalDate.ofEpochDay(Math.floorDiv(((java.util.Date) v).getTime(), 86_400_000L)));
            case "org.apache.kafka.connect.data.Time":
                return new Plan(ColumnType.TIME, v -> LocalTime.ofNanoOfDay(Math.floorMod(((java.util.Date) v).getTime(), 86_400_000L) * 1_000_000L));
            case "org.apache.kafka.connect.data.Timestamp":
                return new Plan(ColumnType.TIMESTAMP, v -> localDateTime(((java.util.Date) v).getTime() * 1000L));
            case "io.debezium.time.Date":
                return new Plan(ColumnType.DATE, v -> LocalDate.ofEpochDay(((Number) v).longValue()));
            case "io.debezium.time.Time":
                return new Plan(ColumnType.TIME, v -> LocalTime.ofNanoOfDay(((Number) v).longValue() * 1_000_000L));
            case "io.debezium.time.MicroTime":
                return new Plan(ColumnType.TIME, v -> LocalTime.ofNanoOfDay(Math.min(((Number) v).longValue() * 1000L, LocalTime.MAX.toNanoOfDay())));
            case "io.debezium.time.NanoTime":
                return new Plan(ColumnType.TIME, v -> LocalTime.ofNanoOfDay(((Number) v).longValue()));
            case "io.debezium.time.Timestamp":
                return new Plan(ColumnType.TIMESTAMP, v -> localDateTime(((Number) v).longValue() * 1000L));
            case "io.debezium.time.MicroTimestamp":
                return new Plan(ColumnType.TIMESTAMP, v -> localDateTime(((Number) v).longValue()));
            case "io.debezium.time.NanoTimestamp":
                return new Plan(ColumnType.TIMESTAMP, v -> {
                    long nanos = ((Number) v).longValue();
                    return LocalDateTime.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), (int) Math.floorMod(nanos, NANOS_PER_SECOND), ZoneOffset.UTC);
                });
            case "io.debezium.time.ZonedTimestamp":
                return new Plan(ColumnType.TIMESTAMP_TZ, ConnectValues::instant);
            case "io.debezium.time.Year":
                return new Plan(ColumnType.INT32, v -> ((Number) v).intValue());
            case "io.debezium.data.Uuid":
                return new Plan(ColumnType.UUID, v -> ((String) v).toLowerCase(Locale.ROOT));
            case "io.debezium.data.Json":
                return new Plan(ColumnType.JSON, UnaryOperator.identity());
            case "io.debezium.data.Bits":
                return new Plan(ColumnType.BYTES, ConnectValues::bytes);
            default:
                return null;
        }
    }

    /** Debezium's ZonedTimestamp text; values it cannot parse ({@code infinity}) stay text. */
    private static Object instant(Object v) {
        String s = (String) v;
        Instant fast = IsoInstant.parse(s); // the usual UTC shape, without a DateTimeFormatter
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e2) {
                return s;
            }
        }
    }

    private static LocalDateTime localDateTime(long epochMicros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMicros, MICROS_PER_SECOND),
                (int) (Math.floorMod(epochMicros, MICROS_PER_SECOND) * 1000L), ZoneOffset.UTC);
    }

    /** Connect BYTES values come as ByteBuffer or byte[]. */
    public static byte[] bytes(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        ByteBuffer buf = ((ByteBuffer) v).duplicate();
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    /** A nested struct as a map of converted values. */
    public static Map<String, Object> struct(Struct s) {
        List<Field> fields = s.schema().fields();
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, fields.size() * 2));
        for (Field f : fields) {
            Object v = s.get(f);
            out.put(f.name(), v == null ? null : plan(f.schema()).converter().apply(v));
        }
        return out;
    }
}
