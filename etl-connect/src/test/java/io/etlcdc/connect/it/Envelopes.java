package io.etlcdc.connect.it;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Debezium PostgreSQL change envelopes for a {@code public.users} table, serialized as a JsonConverter with schemas does. */
final class Envelopes {
    static final Schema KEY = SchemaBuilder.struct().name("pg.public.users.Key").field("id", Schema.INT32_SCHEMA).build();
    static final Schema ROW = SchemaBuilder.struct().name("pg.public.users.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("email", Schema.OPTIONAL_STRING_SCHEMA)
            .field("status", Schema.OPTIONAL_STRING_SCHEMA)
            .field("amount", Decimal.builder(2).optional().parameter("connect.decimal.precision", "10").build())
            .build();
    static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA).field("connector", Schema.STRING_SCHEMA).field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA).field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).field("db", Schema.STRING_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    static final Schema VALUE = SchemaBuilder.struct().name("pg.public.users.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private static final JsonConverter KEYS = converter(true);
    private static final JsonConverter VALUES = converter(false);

    private Envelopes() {}

    private static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "true"), isKey);
        return c;
    }

    static Struct row(int id, String email, String status, BigDecimal amount) {
        return new Struct(ROW).put("id", id).put("email", email).put("status", status).put("amount", amount);
    }

    /** op c/u/d with the rows; lsn orders the changes. */
    static Struct envelope(String sourceName, String op, Struct before, Struct after, long lsn) {
        Struct source = new Struct(SOURCE).put("version", "3.6.1.Final").put("connector", "postgresql").put("name", sourceName)
                .put("ts_ms", 1_700_000_000_000L + lsn).put("snapshot", "false").put("db", "shop").put("schema", "public")
                .put("table", "users").put("lsn", lsn);
        return new Struct(VALUE).put("before", before).put("after", after).put("source", source).put("op", op)
                .put("ts_ms", 1_700_000_000_000L + lsn);
    }

    static String keyJson(String topic, int id) {
        return new String(KEYS.fromConnectData(topic, KEY, new Struct(KEY).put("id", id)), StandardCharsets.UTF_8);
    }

    static String valueJson(String topic, Struct envelope) {
        return new String(VALUES.fromConnectData(topic, VALUE, envelope), StandardCharsets.UTF_8);
    }
}
