package io.etlcdc.connect;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.math.BigDecimal;

/** Debezium-shaped records of a {@code public.users} table for unit tests. */
public final class Fixtures {
    public static final Schema KEY = SchemaBuilder.struct().name("pg.public.users.Key").field("id", Schema.INT32_SCHEMA).build();
    public static final Schema ROW = SchemaBuilder.struct().name("pg.public.users.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("email", SchemaBuilder.string().optional().parameter("__debezium.source.column.type", "VARCHAR")
                    .parameter("__debezium.source.column.length", "255").build())
            .field("born", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build())
            .field("amount", Decimal.builder(2).optional().build())
            .build();
    public static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("name", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
    public static final Schema VALUE = SchemaBuilder.struct().name("pg.public.users.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();

    private Fixtures() {}

    public static Struct row(int id, String email) {
        return new Struct(ROW).put("id", id).put("email", email).put("born", 19_000).put("amount", new BigDecimal("12.50"));
    }

    public static Struct envelope(String op, Struct before, Struct after, long lsn) {
        Struct source = new Struct(SOURCE).put("name", "pg").put("ts_ms", 1_700_000_000_000L).put("schema", "public")
                .put("table", "users").put("lsn", lsn);
        return new Struct(VALUE).put("before", before).put("after", after).put("source", source).put("op", op);
    }

    public static SinkRecord record(int partition, long offset, String op, Struct before, Struct after) {
        int id = after != null ? after.getInt32("id") : before.getInt32("id");
        return new SinkRecord("pg.public.users", partition, KEY, new Struct(KEY).put("id", id), VALUE,
                envelope(op, before, after, 100 + offset), offset);
    }
}
