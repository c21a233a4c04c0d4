package io.etlcdc.transform.connect;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleTransformationTest {
    static final String RULES = """
            rules:
              - rule_id: mask_email
                name: Mask Email Addresses
                rule_type: map
                source_fields: [email]
                target_field: masked_email
                expression: "{{ email.split(\\"@\\")[0][:3] }}***@{{ email.split(\\"@\\")[1] }}"
              - rule_id: total
                name: Total
                rule_type: map
                source_fields: [price, tax]
                target_field: total
                expression: "{{ price + tax }}"
              - rule_id: active_only
                name: Active only
                rule_type: filter
                source_fields: [status]
                expression: "{{ status == 'active' }}"
            """;

    static final Schema ROW = SchemaBuilder.struct().name("pg.public.users.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("email", Schema.OPTIONAL_STRING_SCHEMA)
            .field("status", Schema.OPTIONAL_STRING_SCHEMA)
            .field("price", Decimal.builder(2).optional().build())
            .field("tax", Decimal.builder(2).optional().build())
            .build();
    static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("name", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA).build();
    static final Schema ENVELOPE = SchemaBuilder.struct().name("pg.public.users.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private final RuleTransformation.Value<SourceRecord> transform = new RuleTransformation.Value<>();

    @AfterEach
    void close() {
        transform.close();
    }

    static Struct row(int id, String email, String status) {
        return new Struct(ROW).put("id", id).put("email", email).put("status", status)
                .put("price", new BigDecimal("10.50")).put("tax", new BigDecimal("1.25"));
    }

    static SourceRecord record(String op, Struct before, Struct after) {
        Struct source = new Struct(SOURCE).put("name", "pg").put("schema", "public").put("table", "users").put("ts_ms", 1700000000000L);
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source).put("op", op);
        return new SourceRecord(Map.of("server", "pg"), Map.of("lsn", 1L), "pg.public.users", null, null, null, ENVELOPE, value);
    }

    @Test
    void mapRulesAddTypedFieldsToTheAfterStructAndFiltersDropRecords() {
        transform.configure(Map.of("rules", RULES));
        SourceRecord out = transform.apply(record("c", null, row(1, "john.doe@example.com", "active")));
        Struct after = ((Struct) out.value()).getStruct("after");
        assertThat(after.getString("masked_email")).isEqualTo("joh***@example.com");
        assertThat(after.get("total")).isEqualTo(new BigDecimal("11.75"));
        assertThat(after.getString("email")).isEqualTo("john.doe@example.com");
        assertThat(((Struct) out.value()).getString("op")).isEqualTo("c");
        after.validate();

        assertThat(transform.apply(record("u", null, row(2, "x@y.org", "inactive")))).isNull();
    }

    @Test
    void deletesAreTransformedOnBeforeAndRuleFilesAreReadFromAPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("transformations.yaml");
        Files.writeString(file, RULES);
        transform.configure(Map.of("rules.file", file.toString()));
        SourceRecord out = transform.apply(record("d", row(3, "ann@corp.io", "active"), null));
        Struct value = (Struct) out.value();
        assertThat(value.getStruct("before").getString("masked_email")).isEqualTo("ann***@corp.io");
        assertThat(value.get("after")).isNull();
    }

    @Test
    void schemalessEnvelopesAreTransformedToo() {
        transform.configure(Map.of("rules", RULES));
        Map<String, Object> after = new LinkedHashMap<>(Map.of("email", "bob@x.com", "status", "active"));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("before", null);
        value.put("after", after);
        value.put("source", Map.of("name", "pg", "schema", "public", "table", "users", "ts_ms", 1L));
        value.put("op", "c");
        SourceRecord out = transform.apply(new SourceRecord(null, null, "t", null, null, null, null, value));
        @SuppressWarnings("unchecked")
        Map<String, Object> outAfter = (Map<String, Object>) ((Map<String, Object>) out.value()).get("after");
        assertThat(outAfter).containsEntry("masked_email", "bob***@x.com").doesNotContainKey("total");
    }

    @Test
    void aFailingRuleThrowsDataExceptionAndOtherRecordsPassUntouched() {
        transform.configure(Map.of("rules", "rules:\n  - {rule_id: bad, name: b, rule_type: map, source_fields: [email], target_field: n, expression: '{{ email + 1 }}'}\n"));
        assertThatThrownBy(() -> transform.apply(record("c", null, row(1, "a@b.c", "active"))))
                .isInstanceOf(DataException.class).hasMessageContaining("bad").hasMessageContaining("TypeError");
        SourceRecord tombstone = new SourceRecord(null, null, "t", null, null, null, null, null);
        assertThat(transform.apply(tombstone)).isSameAs(tombstone);
    }

    @Test
    void configurationNeedsRules() {
        assertThatThrownBy(() -> transform.configure(Map.of())).hasMessageContaining("rules.file");
    }
}
