package io.etlcdc.cdc.debezium;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.Operation;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.etlcdc.core.testing.ChangeEventAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

class ChangeEventMapperTest {
    private static final Schema KEY = SchemaBuilder.struct().name("k").field("id", Schema.INT64_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("v").optional()
            .field("id", Schema.INT64_SCHEMA)
            .field("body", Schema.OPTIONAL_STRING_SCHEMA)
            .field("price", Decimal.builder(2).optional().parameter("__debezium.source.column.type", "NUMERIC").build())
            .field("day", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build())
            .field("at", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").optional().build())
            .field("tz", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build())
            .field("small", Schema.OPTIONAL_INT16_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("src")
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("env")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private final DebeziumDialect dialect = new DebeziumDialect() {
        @Override public String databaseName() { return "test"; }
        @Override public String connectorClass() { return "x"; }
        @Override public Map<String, String> connectorProperties(DebeziumSettings s, List<String> t) { return Map.of(); }
        @Override public StartPlan prepare(DebeziumSettings s, Optional<Map<String, Object>> r) { return null; }
        @Override public List<Object> streamKey(Map<String, ?> offset, Struct source) { return List.of((Long) offset.get("lsn")); }
    };
    private final ChangeEventMapper mapper = new ChangeEventMapper("src", dialect, new PositionTracker(null),
            ChangeEventMapper.DEFAULT_PLACEHOLDER);

    private static Struct row(long id, String body) {
        return new Struct(ROW).put("id", id).put("body", body).put("price", new BigDecimal("12.50")).put("day", 19_000)
                .put("at", 1_700_000_000_123_456L).put("tz", "2024-01-02T03:04:05.5Z").put("small", (short) 7)
                .put("tags", List.of("a", "b"));
    }

    private static SourceRecord record(String op, Struct before, Struct after, long lsn) {
        Struct env = new Struct(ENVELOPE).put("before", before).put("after", after).put("op", op)
                .put("source", new Struct(SOURCE).put("schema", "public").put("table", "docs").put("ts_ms", 1_700_000_000_000L));
        return new SourceRecord(Map.of("server", "s"), Map.of("lsn", lsn), "t", null, KEY,
                new Struct(KEY).put("id", after != null ? after.getInt64("id") : before.getInt64("id")), ENVELOPE, env);
    }

    @Test
    void mapsOperationKeyRowsTypesSchemaAndCommitTime() {
        ChangeEvent e = mapper.map(record("c", null, row(1, "text"), 10));
        assertThat(e).hasOperation(Operation.INSERT).isSnapshot(false).hasCollection("public.docs").hasKey(Map.of("id", 1L))
                .hasAfterField("price", new BigDecimal("12.50"))
                .hasAfterField("day", LocalDate.ofEpochDay(19_000))
                .hasAfterField("at", LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123_456_000))
                .hasAfterField("tz", Instant.parse("2024-01-02T03:04:05.5Z"))
                .hasAfterField("small", 7)
                .hasAfterField("tags", List.of("a", "b"));
        assertThat(e.sourceTimestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(e.schema().primaryKey()).containsExactly("id");
        assertThat(e.schema().column("price").orElseThrow().type()).isEqualTo(ColumnType.DECIMAL);
        assertThat(e.schema().column("price").orElseThrow().sourceType()).isEqualTo("numeric");
        assertThat(e.schema().column("at").orElseThrow().type()).isEqualTo(ColumnType.TIMESTAMP);
        ChangeEvent next = mapper.map(record("u", row(1, "text"), row(1, "new"), 11));
        assertThat(next.schema()).isSameAs(e.schema());
        assertThat(next).hasOperation(Operation.UPDATE).hasBeforeField("body", "text").hasAfterField("body", "new");
        assertThat(mapper.map(record("r", null, row(2, "x"), 0))).isSnapshot(true).hasOperation(Operation.INSERT);
        assertThat(mapper.map(record("d", row(1, "new"), null, 12))).hasOperation(Operation.DELETE).hasBeforeField("id", 1L);
    }

    @Test
    void serialTypesAreNamedByTheirStoredTypeSoSnapshotAndStreamAgree() {
        assertThat(RowShape.sourceType("BIGSERIAL")).isEqualTo("int8");
        assertThat(RowShape.sourceType("serial")).isEqualTo("int4");
        assertThat(RowShape.sourceType("smallserial")).isEqualTo("int2");
        assertThat(RowShape.sourceType("INT8")).isEqualTo("int8");
        assertThat(RowShape.sourceType("VARCHAR")).isEqualTo("varchar");
        assertThat(RowShape.sourceType(null)).isNull();
    }

    @Test
    void unavailableValuePlaceholderBecomesAnUnchangedFieldNeverAValue() {
        ChangeEvent e = mapper.map(record("u", null, row(1, ChangeEventMapper.DEFAULT_PLACEHOLDER), 20));
        assertThat(e).hasUnchangedField("body").hasAfterField("price", new BigDecimal("12.50"));
        assertThat(e.after()).doesNotContainValue(ChangeEventMapper.DEFAULT_PLACEHOLDER);
        Struct arrayPlaceholder = row(2, "x").put("tags", List.of(ChangeEventMapper.DEFAULT_PLACEHOLDER));
        assertThat(mapper.map(record("u", null, arrayPlaceholder, 21))).hasUnchangedField("tags");
    }

    @Test
    void heartbeatsAndTombstonesAreRecognised() {
        Schema hb = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        assertThat(ChangeEventMapper.isHeartbeat(new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.s", null, null, hb,
                new Struct(hb).put("ts_ms", 1L)))).isTrue();
        assertThat(ChangeEventMapper.isHeartbeat(new SourceRecord(Map.of(), Map.of(), "t", null, null, null, null))).isTrue();
        assertThat(ChangeEventMapper.isHeartbeat(record("c", null, row(1, "a"), 1))).isFalse();
        assertThat(ChangeEventMapper.isEnvelope(record("c", null, row(1, "a"), 1))).isTrue();
    }
}
