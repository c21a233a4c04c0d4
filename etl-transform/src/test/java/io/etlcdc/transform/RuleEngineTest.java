package io.etlcdc.transform;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.RuleDescriptor;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleEngineTest {
    static final String SPEC_YAML = """
            rules:
              - rule_id: mask_pii
                name: Mask PII Data
                rule_type: map
                source_fields: [email, phone]
                target_field: masked_data
                expression: |
                  {
                    "email": "***@{{ email.split('@')[1] }}",
                    "phone": "***-***-{{ phone[-4:] }}"
                  }
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
              - rule_id: sum_amounts
                name: Sum amounts
                rule_type: aggregate
                source_fields: [amount1, amount2]
                target_field: amount_total
                parameters:
                  type: sum
            """;

    static ChangeEvent insert(String table, long n, Map<String, Object> after) {
        return ChangeEvent.insert("postgres_main", "public." + table, null, after, Position.of(n));
    }

    @Test
    void specExamplesFromTheYamlFileGiveWhatTheSpecPromises() {
        RuleEngine engine = RuleEngine.builder().rules(RuleFiles.parse(SPEC_YAML)).build();
        RecordingCollector out = new RecordingCollector();
        engine.apply(List.of(
                insert("users", 1, row("email", "john.doe@example.com", "phone", "555-123-4567", "price", 10,
                        "tax", new BigDecimal("1.50"), "status", "active", "amount1", 3, "amount2", 4.5)),
                insert("users", 2, row("email", "x@y.org", "phone", "1", "price", 1, "tax", 1, "status", "inactive",
                        "amount1", 1, "amount2", 1))), out);

        assertThat(out.filtered).containsExactly("active_only");
        assertThat(out.emitted).hasSize(1);
        Map<String, Object> r = out.emitted.get(0).after();
        assertThat(r.get("masked_data")).isEqualTo(Map.of("email", "***@example.com", "phone", "***-***-4567"));
        assertThat(r.get("total")).isEqualTo(new BigDecimal("11.50"));
        assertThat(r.get("amount_total")).isEqualTo(7.5);
    }

    @Test
    void countsWhatEachRuleDidPerBatch() {
        RuleEngine engine = RuleEngine.builder().rules(RuleFiles.parse(SPEC_YAML)).build();
        engine.apply(List.of(
                insert("users", 1, row("email", "a@b.c", "phone", "5551234", "price", 1, "tax", 1, "status", "active")),
                insert("users", 2, row("email", "e@f.g", "phone", "5551234", "price", "abc", "tax", 1, "status", "active")),
                insert("users", 3, row("email", "c@d.e", "phone", "5551234", "price", 1, "tax", 1, "status", "inactive"))),
                new RecordingCollector());
        Map<String, RuleStats> stats = engine.stats();
        assertThat(stats.get("mask_pii")).isEqualTo(new RuleStats(3, 0, 0));
        assertThat(stats.get("total")).as("'abc' + 1 is a TypeError").isEqualTo(new RuleStats(2, 0, 1));
        assertThat(stats.get("active_only")).as("the failed record never reached it").isEqualTo(new RuleStats(2, 1, 0));
        assertThat(stats.get("sum_amounts")).as("its source fields are absent: it did not run").isEqualTo(new RuleStats(0, 0, 0));
    }

    @Test
    void maskEmailExampleFromTheApiSection() {
        RuleEngine engine = RuleEngine.builder().rule(RuleDefinition.of("mask_email", "Mask Email Addresses", "map",
                List.of("email"), "masked_email", "{{ email.split(\"@\")[0][:3] }}***@{{ email.split(\"@\")[1] }}", null)).build();
        RecordingCollector out = new RecordingCollector();
        engine.apply(List.of(insert("users", 1, row("email", "john.doe@example.com"))), out);
        assertThat(out.emitted.get(0).after()).containsEntry("masked_email", "joh***@example.com").containsEntry("email", "john.doe@example.com");
    }

    @Test
    void deletesAreTransformedOnBeforeAndTruncateAndDdlPassThrough() {
        RuleEngine engine = RuleEngine.builder().rule(RuleDefinition.of("up", "Upper", "map", List.of("name"), "name_uc",
                "{{ name|upper }}", null)).build();
        RecordingCollector out = new RecordingCollector();
        ChangeEvent delete = ChangeEvent.delete("pg", "public.users", row("id", 1), row("id", 1, "name", "ann"), Position.of(1));
        ChangeEvent truncate = ChangeEvent.truncate("pg", "public.users", Position.of(2));
        ChangeEvent ddl = ChangeEvent.ddl("pg", "public.users", "ALTER TABLE users ADD x int", Position.of(3));
        engine.apply(List.of(delete, truncate, ddl), out);
        assertThat(out.emitted.get(0).before()).containsEntry("name_uc", "ANN");
        assertThat(out.emitted.get(0).after()).isNull();
        assertThat(out.emitted.get(1)).isSameAs(truncate);
        assertThat(out.emitted.get(2)).isSameAs(ddl);
    }

    @Test
    void aFailingRecordIsDeadLetteredWithTheRuleIdAndTheBatchGoesOn() {
        RuleEngine engine = RuleEngine.builder().rule(RuleDefinition.of("total", "Total", "map", List.of("price", "tax"), "total",
                "{{ price + tax }}", null)).build();
        RecordingCollector out = new RecordingCollector();
        engine.apply(List.of(insert("t", 1, row("price", "ten", "tax", 1)), insert("t", 2, row("price", 2, "tax", 1))), out);
        assertThat(out.deadLetters).singleElement().asString().startsWith("total: ").contains("TypeError");
        assertThat(out.deadLetterDetails.get(0)).containsEntry("rule_id", "total").containsEntry("error_type", "TypeError");
        assertThat(out.emitted).singleElement().satisfies(e -> assertThat(e.after()).containsEntry("total", 3L));
    }

    @Test
    void aRecordWithoutTheSourceFieldsIsLeftUnchanged() {
        RuleEngine engine = RuleEngine.builder().rule(RuleDefinition.of("total", "Total", "map", List.of("price", "tax"), "total",
                "{{ price + tax }}", null)).build();
        RecordingCollector out = new RecordingCollector();
        ChangeEvent e = insert("t", 1, row("price", 1));
        engine.apply(List.of(e), out);
        assertThat(out.emitted).containsExactly(e);
    }

    @Test
    void rulesRunInOrderAndOnlyOnTheirScope() {
        RuleEngine engine = RuleEngine.builder()
                .rule(new RuleDefinition("second", "b", "map", List.of("a"), "b", "{{ a ~ '2' }}", null, List.of("postgres_main_users"), 2))
                .rule(new RuleDefinition("first", "a", "map", List.of("x"), "a", "{{ x ~ '1' }}", null, List.of("postgres_main"), 1))
                .rule(new RuleDefinition("other", "o", "map", List.of("x"), "o", "{{ 1 }}", null, List.of("orders"), 0))
                .build();
        RecordingCollector out = new RecordingCollector();
        engine.apply(List.of(insert("users", 1, row("x", "v"))), out);
        assertThat(out.emitted.get(0).after()).containsEntry("a", "v1").containsEntry("b", "v12").doesNotContainKey("o");
        assertThat(engine.list()).extracting(RuleDefinition::ruleId).containsExactly("other", "first", "second");
        assertThat(engine.rules()).extracting(RuleDescriptor::id).containsExactly("other", "first", "second");
        assertThat(engine.rules().get(2).targetField()).isEqualTo("b");
        assertThat(engine.rules().get(2).sourceFields()).containsExactly("a");
    }

    @Test
    void rulesCanBeAddedAndRemovedAtRunTime() {
        RuleEngine engine = RuleEngine.builder().build();
        RuleDefinition rule = RuleDefinition.of("f", "f", "filter", List.of("status"), null, "{{ status == 'active' }}", null);
        engine.add(rule);
        assertThatThrownBy(() -> engine.add(rule)).hasMessageContaining("already exists");
        RecordingCollector out = new RecordingCollector();
        engine.apply(List.of(insert("t", 1, row("status", "off"))), out);
        assertThat(out.filtered).containsExactly("f");
        assertThat(engine.remove("f")).isTrue();
        assertThat(engine.remove("f")).isFalse();
        RecordingCollector out2 = new RecordingCollector();
        engine.apply(List.of(insert("t", 2, row("status", "off"))), out2);
        assertThat(out2.emitted).hasSize(1);
    }

    @Test
    void badRulesAreRefusedWithEveryErrorAndTheLineAndColumn() {
        RuleEngine engine = RuleEngine.builder().build();
        assertThat(engine.validate(RuleDefinition.of("x", "x", "explode", List.of(), null, null, null)))
                .singleElement().satisfies(e -> {
                    assertThat(e.field()).isEqualTo("rule_type");
                    assertThat(e.message()).contains("unknown rule type 'explode'").contains("map, filter, aggregate, join");
                });
        List<RuleError> errors = engine.validate(RuleDefinition.of("m", "m", "map", List.of("a"), null, "line one\n{{ a + }}", null));
        assertThat(errors).extracting(RuleError::field).containsExactly("target_field", "expression");
        assertThat(errors.get(1).line()).isEqualTo(2);
        assertThat(errors.get(1).column()).isGreaterThan(1);
        assertThat(engine.validate(RuleDefinition.of("a", "a", "aggregate", List.of("x"), "t", null, Map.of("type", "median"))))
                .extracting(RuleError::field).containsExactly("parameters.type");
        assertThat(engine.validate(RuleDefinition.of("i", "i", "map", List.of(), "t", "{% include 'secrets.txt' %}", null)))
                .singleElement().satisfies(e -> assertThat(e.message()).contains("include"));
        assertThatThrownBy(() -> engine.add(RuleDefinition.of("m", "m", "map", List.of("a"), null, "{{ a |nofilter }}", null)))
                .isInstanceOf(RuleValidationException.class)
                .hasMessageContaining("target_field").hasMessageContaining("no filter named 'nofilter'");
        assertThat(engine.list()).isEmpty();
    }

    @Test
    void unknownFieldsInARuleFileAreRefused() {
        assertThatThrownBy(() -> RuleFiles.parse("rules:\n  - rule_id: a\n    rule_typo: map\n"))
                .hasMessageContaining("rule_typo");
    }

    @Test
    void previewReturnsEachOutputFilterOrError() {
        RuleEngine engine = RuleEngine.builder().build();
        List<PreviewResult> results = engine.preview(List.of(
                RuleDefinition.of("f", "f", "filter", List.of("status"), null, "{{ status != 'deleted' }}", null),
                RuleDefinition.of("m", "m", "map", List.of("n"), "double", "{{ n * 2 }}", null)),
                List.of(Map.of("status", "ok", "n", 21), Map.of("status", "deleted", "n", 1), Map.of("status", "ok", "n", Map.of())));
        assertThat(results.get(0).output()).containsEntry("double", 42L);
        assertThat(results.get(1).filtered()).isTrue();
        assertThat(results.get(1).ruleId()).isEqualTo("f");
        assertThat(results.get(2).error()).contains("TypeError");
        assertThat(results.get(2).ruleId()).isEqualTo("m");
        assertThat(engine.list()).isEmpty();
    }

    @Test
    void theSameEventTransformedTwiceGivesTheSameOutput() {
        RuleEngine engine = RuleEngine.builder().rules(RuleFiles.parse(SPEC_YAML)).build();
        ChangeEvent e = insert("users", 1, row("email", "a@b.c", "phone", "12345", "price", 1.5, "tax", 2, "status", "active",
                "amount1", 1, "amount2", 2));
        RecordingCollector a = new RecordingCollector();
        RecordingCollector b = new RecordingCollector();
        engine.apply(List.of(e), a);
        engine.apply(List.of(e), b);
        assertThat(a.emitted.get(0).after()).isEqualTo(b.emitted.get(0).after());
    }
}
