package io.etlcdc.schema;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.event.TableSchema.Column;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.etlcdc.core.testing.Events.row;
import static io.etlcdc.schema.AvroSchemas.decimal;
import static io.etlcdc.schema.AvroSchemas.enumType;
import static io.etlcdc.schema.AvroSchemas.enumTypeWithDefault;
import static io.etlcdc.schema.AvroSchemas.field;
import static io.etlcdc.schema.AvroSchemas.optional;
import static io.etlcdc.schema.AvroSchemas.q;
import static io.etlcdc.schema.AvroSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordMigrationTest {
    private static final String V1 = record("User", field("id", q("int")), field("name", q("string")), field("score", q("int")),
            field("legacy", q("string")));
    private static final String V2 = record("User", field("id", q("long")),
            "{\"name\":\"full_name\",\"type\":\"string\",\"aliases\":[\"name\"]}",
            field("score", q("double")),
            field("email", optional(q("string")), "null"),
            field("tier", q("string"), q("basic")));

    private final SchemaRegistry registry = SchemaRegistry.inMemory();

    private static Schema avro(String text) {
        return ParsedSchema.avro(text).avro();
    }

    @Test
    void upgradingFillsDefaultsDropsRemovedFieldsPromotesTypesAndFollowsAliases() {
        registry.setCompatibility("u", CompatibilityMode.BACKWARD);
        registry.register(RegisterSchemaRequest.of("u", V1, SchemaType.AVRO));
        registry.register(RegisterSchemaRequest.of("u", V2, SchemaType.AVRO));
        Map<String, Object> written = row("id", 7, "name", "Ada", "score", 42, "legacy", "x");
        Map<String, Object> read = registry.migrate("u", 1, 2, written);
        assertThat(read).containsExactly(Map.entry("id", 7L), Map.entry("full_name", "Ada"), Map.entry("score", 42.0),
                entry("email", null), Map.entry("tier", "basic"));
        assertThat(read.get("id")).isInstanceOf(Long.class);
        assertThat(read.get("score")).isInstanceOf(Double.class);
        assertThat(written).as("input untouched").containsEntry("name", "Ada").hasSize(4);
    }

    private static Map.Entry<String, Object> entry(String k, Object v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k, v);
        return m.entrySet().iterator().next();
    }

    @Test
    void downgradingWorksWhereTheOlderVersionCanReadTheNewerOne() {
        String v1 = record("User", field("id", q("long")), field("name", q("string")));
        String v2 = record("User", field("id", q("long")), field("name", q("string")), field("email", optional(q("string")), "null"));
        registry.register(RegisterSchemaRequest.of("u", v1, SchemaType.AVRO));
        registry.register(RegisterSchemaRequest.of("u", v2, SchemaType.AVRO));
        assertThat(registry.migrate("u", 2, 1, row("id", 1L, "name", "Ada", "email", "a@x.io")))
                .containsExactly(Map.entry("id", 1L), Map.entry("name", "Ada"));
        assertThat(registry.migrate("u", 1, 2, row("id", 1L, "name", "Ada")))
                .containsExactly(Map.entry("id", 1L), Map.entry("name", "Ada"), entry("email", null));
        assertThat(registry.migration("u", 1, 1).isIdentity()).isTrue();
    }

    @Test
    void aVersionThatCannotReadAnotherIsRefusedWithTheReason() {
        registry.register(RegisterSchemaRequest.of("u", V1, SchemaType.AVRO));
        registry.register(RegisterSchemaRequest.of("u", V2, SchemaType.AVRO));
        // v1 cannot read v2: id long → int, and 'name'/'legacy' have no value and no default in v1
        assertThatThrownBy(() -> registry.migrate("u", 2, 1, row("id", 1L)))
                .isInstanceOfSatisfying(SchemaIncompatibleException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_INCOMPATIBLE);
                    assertThat(e.getMessage()).startsWith("version 1 cannot read records written with version 2");
                    assertThat(e.incompatibilities()).extracting(Incompatibility::path).contains("id", "name", "legacy", "score");
                });
    }

    @Test
    void numbersWidenAlongTheWholeChain() {
        String from = record("N", field("a", q("int")), field("b", q("int")), field("c", q("long")), field("d", q("float")));
        String to = record("N", field("a", q("long")), field("b", q("float")), field("c", q("double")), field("d", q("double")));
        Map<String, Object> out = RecordMigration.between(avro(from), avro(to)).apply(row("a", 1, "b", 2, "c", 3L, "d", 1.5f));
        assertThat(out).containsExactly(Map.entry("a", 1L), Map.entry("b", 2.0f), Map.entry("c", 3.0), Map.entry("d", 1.5));
    }

    @Test
    void stringsAndBytesConvertAsUtf8() {
        Map<String, Object> out = RecordMigration.between(avro(record("S", field("s", q("string")))), avro(record("S", field("s", q("bytes")))))
                .apply(row("s", "é"));
        assertThat((byte[]) out.get("s")).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> back = RecordMigration.between(avro(record("S", field("s", q("bytes")))), avro(record("S", field("s", q("string")))))
                .apply(out);
        assertThat(back).containsEntry("s", "é");
    }

    @Test
    void decimalsAreRescaledExactly() {
        RecordMigration up = RecordMigration.between(avro(record("P", field("p", decimal(10, 2)))), avro(record("P", field("p", decimal(12, 4)))));
        assertThat(up.apply(row("p", new BigDecimal("12.34")))).containsEntry("p", new BigDecimal("12.3400"));
        // a value whose scale exceeds its declared one still may not be rounded silently
        assertThatThrownBy(() -> up.apply(row("p", new BigDecimal("1.234567"))))
                .isInstanceOfSatisfying(EtlException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_INCOMPATIBLE);
                    assertThat(e.getMessage()).contains("'p'", "rounding");
                });
        assertThatThrownBy(() -> RecordMigration.between(avro(record("P", field("p", decimal(12, 4)))), avro(record("P", field("p", decimal(12, 2))))))
                .isInstanceOf(SchemaIncompatibleException.class).hasMessageContaining("decimal places");
    }

    @Test
    void nestedRecordsArraysMapsAndUnionsAreMigratedBranchByBranch() {
        String addr1 = "{\"type\":\"record\",\"name\":\"Address\",\"fields\":[" + field("zip", q("int")) + "]}";
        String addr2 = "{\"type\":\"record\",\"name\":\"Address\",\"fields\":[" + field("zip", q("long")) + ","
                + field("country", q("string"), q("FR")) + "]}";
        String from = record("U", field("home", addr1), field("others", "{\"type\":\"array\",\"items\":\"Address\"}"),
                field("counts", "{\"type\":\"map\",\"values\":\"int\"}"), field("maybe", optional(q("int")), "null"));
        String to = record("U", field("home", addr2), field("others", "{\"type\":\"array\",\"items\":\"Address\"}"),
                field("counts", "{\"type\":\"map\",\"values\":\"long\"}"), field("maybe", optional(q("long")), "null"));
        RecordMigration m = RecordMigration.between(avro(from), avro(to));
        Map<String, Object> out = m.apply(row("home", row("zip", 75001), "others", List.of(row("zip", 1), row("zip", 2)),
                "counts", row("a", 1), "maybe", 5));
        assertThat(out.get("home")).isEqualTo(row("zip", 75001L, "country", "FR"));
        assertThat(out.get("others")).isEqualTo(List.of(row("zip", 1L, "country", "FR"), row("zip", 2L, "country", "FR")));
        assertThat(out.get("counts")).isEqualTo(row("a", 1L));
        assertThat(out.get("maybe")).isEqualTo(5L);
        assertThat(m.apply(row("home", row("zip", 1), "others", List.of(), "counts", row(), "maybe", null))).containsEntry("maybe", null);
    }

    @Test
    void unknownEnumSymbolsFallBackToTheReadersDefault() {
        String from = record("U", field("s", enumType("S", "A", "B", "C")));
        String to = record("U", field("s", enumTypeWithDefault("S", "A", "A", "B")));
        RecordMigration m = RecordMigration.between(avro(from), avro(to));
        assertThat(m.apply(row("s", "B"))).containsEntry("s", "B");
        assertThat(m.apply(row("s", "C"))).containsEntry("s", "A");
        assertThatThrownBy(() -> RecordMigration.between(avro(from), avro(record("U", field("s", enumType("S", "A", "B"))))))
                .isInstanceOf(SchemaIncompatibleException.class).hasMessageContaining("[C]");
    }

    @Test
    void columnsTheRowDoesNotCarryStayAbsent() {
        // an UPDATE that left a TOAST column out must not get the column's default written over it
        TableSchema v1 = new TableSchema("public.docs", List.of(Column.of("id", ColumnType.INT32, false),
                Column.of("body", ColumnType.STRING, true)), List.of("id"));
        TableSchema v2 = new TableSchema("public.docs", List.of(Column.of("id", ColumnType.INT64, false),
                Column.of("body", ColumnType.STRING, true), Column.of("tag", ColumnType.STRING, true)), List.of("id"));
        RecordMigration m = RecordMigration.between(TableSchemaAvro.toAvro(v1), TableSchemaAvro.toAvro(v2));
        assertThat(m.apply(row("id", 3))).containsExactly(Map.entry("id", 3L), entry("tag", null));
    }

    @Test
    void tableSchemaRowsMigrateByRealColumnNamesAndLogicalValues() {
        TableSchema v1 = new TableSchema("public.orders", List.of(Column.of("order id", ColumnType.INT32, false),
                new Column("total", ColumnType.DECIMAL, null, false, null, 8, 2)), List.of());
        TableSchema v2 = new TableSchema("public.orders", List.of(Column.of("order id", ColumnType.INT64, false),
                new Column("total", ColumnType.DECIMAL, null, false, null, 10, 3),
                new Column("placed", ColumnType.DATE, null, false, "'2020-01-01'", null, null)), List.of());
        registry.register(RegisterSchemaRequest.of("orders", v1ToJson(v1), SchemaType.TABLE));
        registry.register(RegisterSchemaRequest.of("orders", v1ToJson(v2), SchemaType.TABLE));
        assertThat(registry.migrate("orders", 1, 2, row("order id", 9, "total", new BigDecimal("5.10"))))
                .containsExactly(Map.entry("order id", 9L), Map.entry("total", new BigDecimal("5.100")),
                        Map.entry("placed", LocalDate.of(2020, 1, 1)));
    }

    private static String v1ToJson(TableSchema t) {
        return ParsedSchema.table(t).canonical();
    }

    @Test
    void onlyRecordsCanBeMigrated() {
        assertThatThrownBy(() -> RecordMigration.between(avro("string"), avro("string")))
                .isInstanceOfSatisfying(EtlException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID));
    }
}
