package io.etlcdc.core.event;

import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.etlcdc.core.json.EtlJson;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written serializer writes exactly what Jackson's bean serializer writes from ChangeEvent's annotations. */
class ChangeEventSerializerTest {
    /** Turns the custom serializer off: the record's annotations through Jackson's bean serializer, as before it. */
    @JsonSerialize(using = JsonSerializer.None.class)
    private abstract static class BeanShape { }

    private static final ObjectMapper FAST = EtlJson.mapper();
    private static final ObjectMapper BEAN = EtlJson.mapper().copy().addMixIn(ChangeEvent.class, BeanShape.class);

    private static void same(ChangeEvent e) throws Exception {
        String bean = BEAN.writeValueAsString(e);
        assertThat(FAST.writeValueAsString(e)).isEqualTo(bean);
        // and it still reads back to the same event (position: sort key only)
        assertThat(FAST.readValue(FAST.writeValueAsString(e), ChangeEvent.class).operation()).isEqualTo(e.operation());
    }

    private static Map<String, Object> everyType() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("text", "plain");
        row.put("escaped", "quote \" backslash \\ newline \n tab \t control \u0001 unicode é 😀 </script>");
        row.put("empty", "");
        row.put("null_value", null);
        row.put("long", Long.MIN_VALUE);
        row.put("int", -42);
        row.put("short", (short) 7);
        row.put("byte", (byte) -3);
        row.put("decimal", new BigDecimal("12345.6700"));
        row.put("decimal_exponent", new BigDecimal("1E+10"));
        row.put("decimal_small", new BigDecimal("-1E-12"));
        row.put("big_integer", new BigInteger("123456789012345678901234567890"));
        row.put("bool", true);
        row.put("double", 1.0E-5);
        row.put("nan", Double.NaN);
        row.put("infinity", Double.NEGATIVE_INFINITY);
        row.put("float", 3.25f);
        row.put("instant", Instant.parse("2026-12-07T20:56:23.589149Z"));
        row.put("instant_millis", Instant.parse("2026-12-07T20:56:23.618Z"));
        row.put("instant_old", Instant.parse("1901-01-01T00:00:00Z"));
        row.put("instant_far", Instant.parse("+12026-01-01T00:00:00.5Z"));
        row.put("date", LocalDate.of(2024, 2, 29));
        row.put("time", LocalTime.of(23, 59, 59, 999_999_000));
        row.put("datetime", LocalDateTime.of(2024, 2, 29, 1, 2, 3));
        row.put("offset_datetime", OffsetDateTime.of(2024, 2, 29, 1, 2, 3, 0, ZoneOffset.ofHours(2)));
        row.put("offset_time", OffsetTime.of(1, 2, 3, 0, ZoneOffset.ofHours(-5)));
        row.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        row.put("bytes", new byte[] {0, 1, 2, (byte) 255});
        row.put("list", Arrays.asList(1L, "two", null, new BigDecimal("3.0"), List.of(4, 5)));
        row.put("set", new LinkedHashSet<>(List.of("a", "b")));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("email", "***@example.com");
        nested.put("missing", null);
        nested.put("deeper", Map.of("n", 1));
        row.put("nested", nested);
        Map<Object, Object> numberKeys = new LinkedHashMap<>();
        numberKeys.put(1, "one");
        numberKeys.put(2L, null);
        row.put("number_keys", numberKeys);
        row.put("empty_map", Map.of());
        row.put("empty_list", new ArrayList<>());
        return row;
    }

    @Test
    void everyValueTypeAsTheBeanSerializerWritesIt() throws Exception {
        Map<String, Object> row = everyType();
        same(ChangeEvent.builder("pg", "public.every_type", Operation.INSERT).key(Map.of("id", 1L)).after(row)
                .sourceTimestamp(Instant.parse("2026-12-07T20:56:23.618Z")).position(Position.of(0L, 1L, 24182072L, 0L)).build());
    }

    @Test
    void everyOperationAndOptionalField() throws Exception {
        Instant ts = Instant.parse("2026-01-02T03:04:05Z");
        Map<String, Object> before = new LinkedHashMap<>(Map.of("id", 1, "name", "old"));
        Map<String, Object> after = new LinkedHashMap<>(Map.of("id", 1, "name", "new"));
        same(ChangeEvent.builder("pg", "public.users", Operation.UPDATE).key(Map.of("id", 1)).before(before).after(after)
                .unchangedFields(new LinkedHashSet<>(List.of("bio", "avatar"))).sourceTimestamp(ts)
                .position(Position.of(5L, "x", 2L)).schemaRef(new SchemaRef("pg_users", 3)).snapshot(true).build());
        same(ChangeEvent.builder("pg", "public.users", Operation.DELETE).key(Map.of("id", 1)).sourceTimestamp(ts)
                .position(Position.of(6L)).build());
        same(ChangeEvent.builder("pg", "public.users", Operation.DELETE).before(before).sourceTimestamp(ts)
                .position(Position.of(7L)).build());
        same(ChangeEvent.builder("pg", "public.users", Operation.TRUNCATE).sourceTimestamp(ts).position(Position.of(8L)).build());
        same(ChangeEvent.builder("mysql", "shop.users", Operation.DDL).ddl("ALTER TABLE users ADD COLUMN \"x\" int")
                .sourceTimestamp(Instant.parse("1960-05-05T00:00:00.000000001Z")).position(Position.of("bin.000001", 4L)).build());
        // a replayed dead letter carries its replay mark in the position's JSON
        same(ChangeEvent.insert("pg", "public.users", null, after, Position.of(9L).withOffset(Map.of("replay", true))));
    }

    @Test
    void mapperSettingsStillDecideTheFallbackTypes() throws Exception {
        // dates as timestamps: instants and dates leave the fast path and follow the mapper
        ObjectMapper numeric = FAST.copy().enable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        ObjectMapper numericBean = numeric.copy().addMixIn(ChangeEvent.class, BeanShape.class);
        ChangeEvent e = ChangeEvent.builder("pg", "public.every_type", Operation.INSERT).after(everyType())
                .sourceTimestamp(Instant.parse("2026-12-07T20:56:23.618Z")).position(Position.of(1L)).build();
        assertThat(numeric.writeValueAsString(e)).isEqualTo(numericBean.writeValueAsString(e)).contains("\"source_ts\":1796676983.618");
    }
}
