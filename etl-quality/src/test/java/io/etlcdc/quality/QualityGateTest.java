package io.etlcdc.quality;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.quality.support.MutableClock;
import io.etlcdc.quality.support.RecordingCollector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.etlcdc.core.testing.Events.row;
import static io.etlcdc.quality.support.Rules.gate;
import static io.etlcdc.quality.support.Rules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The gate as a pipeline stage: actions, targets, partial rows and rule changes at run time. */
class QualityGateTest {
    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

    private static ChangeEvent user(long n, Object email) {
        return ChangeEvent.builder("postgres_main", "public.users", Operation.INSERT).key(row("id", n))
                .after(row("id", n, "email", email)).position(Position.of(n)).sourceTimestamp(T0).build();
    }

    private static ChangeEvent order(long n, Object amount) {
        return ChangeEvent.builder("postgres_main", "public.orders", Operation.INSERT).key(row("id", n))
                .after(row("id", n, "amount", amount)).position(Position.of(n)).sourceTimestamp(T0).build();
    }

    private static RecordingCollector run(QualityGate gate, List<ChangeEvent> batch) {
        RecordingCollector out = new RecordingCollector();
        gate.apply(batch, out);
        return out;
    }

    private static QualityRule emailFormat(String action) {
        return rule("email_format", "pattern", "email", "regex", "^[^@]+@[^@]+\\.[a-z]+$")
                .withTarget("postgres_main_users").withAction(action);
    }

    @Test
    void warnCountsTheFailureAndPassesTheRecordOn() {
        QualityGate gate = gate(emailFormat("warn"));
        RecordingCollector out = run(gate, List.of(user(1, "a@b.com"), user(2, "bad")));
        assertThat(out.emitted).extracting(ChangeEvent::position).containsExactly(Position.of(1L), Position.of(2L));
        assertThat(gate.metrics().records()).isEqualTo(new QualityMetricsSnapshot.RecordCounts(2, 1, 1, 0, 0, 0, 0));
        assertThat(gate.metrics().rules().get("email_format").total().failed()).isEqualTo(1);
    }

    @Test
    void dropReportsTheDropWithRuleAndReasonAndDoesNotPassTheRecordOn() {
        QualityGate gate = gate(emailFormat("drop"));
        RecordingCollector out = run(gate, List.of(user(1, "a@b.com"), user(2, "bad"), user(3, "c@d.org")));
        assertThat(out.emitted).extracting(ChangeEvent::position).containsExactly(Position.of(1L), Position.of(3L));
        assertThat(out.dropped).singleElement().satisfies(d -> {
            assertThat(d.event().position()).isEqualTo(Position.of(2L));
            assertThat(d.ruleId()).isEqualTo("email_format");
            assertThat(d.reason()).isEqualTo("quality rule 'email_format' (pattern on 'email') failed: does not match the pattern ^[^@]+@[^@]+\\.[a-z]+$");
        });
        assertThat(gate.metrics().records().dropped()).isEqualTo(1);
    }

    @Test
    void deadLetterCarriesEveryFailedCheckInTheDetails() {
        QualityRule present = rule("email_present", "not_null", "email").withSeverity("warning");
        QualityGate gate = gate(present, emailFormat("dead_letter"), rule("email_type", "type", "email", "type", "email"));
        RecordingCollector out = run(gate, List.of(user(1, "a@b.com"), user(2, "not an email")));
        assertThat(out.emitted).hasSize(1);
        assertThat(out.deadLettered).singleElement().satisfies(d -> {
            assertThat(d.event().position()).isEqualTo(Position.of(2L));
            assertThat(d.ruleId()).isEqualTo("email_format");
            assertThat(d.reason()).startsWith("quality rule 'email_format' (pattern on 'email') failed: does not match")
                    .endsWith("; 1 more check failed");
            assertThat(d.details()).containsEntry("asset", "postgres_main_users");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> checks = (List<Map<String, Object>>) d.details().get("failed_checks");
            assertThat(checks).extracting(c -> c.get("rule_id")).containsExactly("email_format", "email_type");
            assertThat(checks.get(0)).containsEntry("field", "email").containsEntry("check", "pattern")
                    .containsEntry("value", "not an email").containsEntry("severity", "error").containsEntry("action", "dead_letter");
            assertThat(checks.get(1)).containsEntry("reason", "expected an e-mail address").containsEntry("action", "warn");
        });
        assertThat(gate.metrics().records().deadLettered()).isEqualTo(1);
    }

    @Test
    void failStopsThePipelineNamingRuleAssetAndPosition() {
        QualityGate gate = gate(rule("amount_positive", "range", "amount", "min", 0, "exclusive", true).withAction("fail"));
        RecordingCollector out = run(gate, List.of(order(1, 5), order(2, -1), order(3, 7)));
        assertThat(out.pipelineFailures).containsExactly(
                "quality rule 'amount_positive' (range on 'amount') failed: value -1 is not greater than 0 (exclusive minimum)"
                        + " on postgres_main_orders at position 2 (action fail)");
        assertThat(out.emitted).extracting(ChangeEvent::position).containsExactly(Position.of(1L), Position.of(3L));
        assertThat(gate.metrics().records().failed()).isEqualTo(1);
    }

    @Test
    void theStrongestActionOfTheFailedRulesWins() {
        QualityGate gate = gate(
                rule("w", "not_null", "email").withAction("warn"),
                rule("d", "type", "email", "type", "string").withAction("drop"),
                rule("dl", "range", "email", "min", 3).withAction("dead_letter"));
        // null fails only 'w' (the others let nulls pass); 2 fails 'd' and 'dl' (2 < 3); "x" fails only 'dl' (length 1)
        RecordingCollector out = run(gate, List.of(user(1, null), user(2, 2), user(3, "x"), user(4, "abc")));
        assertThat(out.emitted).extracting(ChangeEvent::position).containsExactly(Position.of(1L), Position.of(4L));
        assertThat(out.deadLettered).extracting(d -> d.event().position()).containsExactly(Position.of(2L), Position.of(3L));
        assertThat(out.deadLettered.get(0).ruleId()).isEqualTo("dl");
        assertThat(out.dropped).isEmpty();
    }

    @Test
    void everyEventGetsExactlyOneOutcomeAndEveryOutcomeIsCounted() {
        QualityGate gate = gate(emailFormat("drop"), rule("amount", "range", "amount", "min", 0).withAction("dead_letter")
                .withTarget("postgres_main_orders"), rule("email_type", "type", "email", "type", "email").withSeverity("warning"));
        List<ChangeEvent> batch = List.of(user(1, "a@b.com"), user(2, "bad"), order(3, -5), order(4, 5),
                ChangeEvent.truncate("postgres_main", "public.users", Position.of(5L)),
                ChangeEvent.ddl("postgres_main", "public.users", "ALTER TABLE users ADD c int", Position.of(6L)),
                ChangeEvent.insert("other_source", "public.items", null, row("x", 1), Position.of(7L)),
                user(8, "x@y.io"));
        RecordingCollector out = run(gate, batch);
        assertThat(out.outcomes()).isEqualTo(batch.size());
        QualityMetricsSnapshot.RecordCounts counts = gate.metrics().records();
        assertThat(counts.passed() + counts.warned() + counts.dropped() + counts.deadLettered() + counts.failed() + counts.unchecked())
                .isEqualTo(batch.size());
        // the rule on 'all' checks the other source's row too (its missing email is null, which a type check lets pass)
        assertThat(counts).isEqualTo(new QualityMetricsSnapshot.RecordCounts(6, 4, 0, 1, 1, 0, 2));
    }

    @Test
    void targetsMatchAnAssetASourceOrAll() {
        QualityGate gate = gate(
                rule("users_only", "not_null", "name").withTarget("postgres_main_users"),
                rule("source_wide", "not_null", "id").withTarget("postgres_main"),
                rule("everywhere", "not_null", "tenant"));
        assertThat(gate.rules()).extracting(RuleDescriptor::kind).containsOnly("quality");
        RecordingCollector out = run(gate, List.of(
                ChangeEvent.insert("postgres_main", "public.users", null, row("id", 1, "tenant", "t"), Position.of(1L)),
                ChangeEvent.insert("postgres_main", "public.orders", null, row("id", 1, "tenant", "t"), Position.of(2L)),
                ChangeEvent.insert("mysql_shop", "shop.users", null, row("tenant", "t"), Position.of(3L)),
                ChangeEvent.insert("mysql_shop", "shop.users", null, row("other", 1), Position.of(4L))));
        QualityMetricsSnapshot m = gate.metrics();
        assertThat(m.rules().get("users_only").total().checked()).isEqualTo(1);
        assertThat(m.rules().get("users_only").total().failed()).isEqualTo(1);
        assertThat(m.rules().get("source_wide").total().checked()).isEqualTo(2);
        assertThat(m.rules().get("source_wide").total().failed()).isZero();
        assertThat(m.rules().get("everywhere").total().checked()).isEqualTo(4);
        assertThat(m.rules().get("everywhere").total().failed()).isEqualTo(1);
        assertThat(m.assets()).containsOnlyKeys("postgres_main_users", "postgres_main_orders", "mysql_shop_users");
        assertThat(out.emitted).hasSize(4);
    }

    @Test
    void rulesDescribeThemselvesForLineage() {
        QualityGate gate = gate(emailFormat("warn"), rule("any", "not_null", "id"));
        assertThat(gate.rules()).containsExactly(
                new RuleDescriptor("email_format", "quality", Set.of("postgres_main_users"), List.of("email"), null),
                new RuleDescriptor("any", "quality", Set.of(), List.of("id"), null));
        assertThat(gate.rules().get(0).appliesTo("postgres_main", "public.users")).isTrue();
        assertThat(gate.id()).isEqualTo("quality");
    }

    @Test
    void truncateAndDdlPassUnchecked() {
        QualityGate gate = gate(rule("n", "not_null", "email").withAction("drop"));
        RecordingCollector out = run(gate, List.of(ChangeEvent.truncate("postgres_main", "public.users", Position.of(1L)),
                ChangeEvent.ddl("postgres_main", "public.users", "DROP TABLE users", Position.of(2L))));
        assertThat(out.emitted).hasSize(2);
        assertThat(gate.metrics().records().unchecked()).isEqualTo(2);
        assertThat(gate.metrics().rules().get("n").total().checked()).isZero();
    }

    @Test
    void deletesAreCheckedOnTheBeforeRowAndKeyOnlyDeletesSkipFieldsTheyDoNotCarry() {
        QualityGate gate = gate(rule("n", "not_null", "email").withAction("drop"));
        RecordingCollector out = run(gate, List.of(
                ChangeEvent.delete("postgres_main", "public.users", row("id", 1), null, Position.of(1L)),
                ChangeEvent.delete("postgres_main", "public.users", row("id", 2), row("id", 2, "email", null), Position.of(2L)),
                ChangeEvent.delete("postgres_main", "public.users", row("id", 3), row("id", 3, "email", "x@y.com"), Position.of(3L))));
        assertThat(out.emitted).extracting(ChangeEvent::position).containsExactly(Position.of(1L), Position.of(3L));
        assertThat(out.dropped).extracting(d -> d.event().position()).containsExactly(Position.of(2L));
        assertThat(gate.metrics().rules().get("n").total().checked()).isEqualTo(2);
    }

    @Test
    void columnsAnUpdateLeftUnchangedAreNotChecked() {
        QualityGate gate = gate(rule("n", "not_null", "bio").withAction("drop"));
        ChangeEvent toast = ChangeEvent.builder("postgres_main", "public.users", Operation.UPDATE).key(row("id", 1))
                .after(row("id", 1, "name", "x")).unchangedFields(Set.of("bio")).position(Position.of(1L)).build();
        ChangeEvent missing = ChangeEvent.builder("postgres_main", "public.users", Operation.UPDATE).key(row("id", 2))
                .after(row("id", 2, "name", "y")).position(Position.of(2L)).build();
        RecordingCollector out = run(gate, List.of(toast, missing));
        assertThat(out.emitted).extracting(ChangeEvent::position).containsExactly(Position.of(1L));
        assertThat(out.dropped).hasSize(1);
    }

    @Test
    void rulesAddedAndRemovedAtRunTimeApplyFromTheNextBatch() {
        QualityGate gate = gate();
        assertThat(run(gate, List.of(user(1, "bad"))).emitted).hasSize(1);

        QualityRule stored = gate.addRule(emailFormat("drop"));
        assertThat(stored.name()).isEqualTo("email_format");
        assertThat(gate.qualityRules()).containsExactly(stored);
        assertThat(run(gate, List.of(user(2, "bad"))).dropped).hasSize(1);

        assertThat(gate.removeRule("email_format")).isEqualTo(stored);
        assertThat(gate.qualityRules()).isEmpty();
        assertThat(run(gate, List.of(user(3, "bad"))).emitted).hasSize(1);
        assertThat(gate.metrics().rules()).doesNotContainKey("email_format");
        assertThat(gate.metrics().records().dropped()).isEqualTo(1);
    }

    @Test
    void addingAnInvalidOrDuplicateRuleAndRemovingAnUnknownOneFailClearly() {
        QualityGate gate = gate(emailFormat("drop"));
        ConfigException invalid = catchThrowableOfType(ConfigException.class,
                () -> gate.addRule(rule("broken", "pattern", "email", "regex", "[unclosed")));
        assertThat(invalid.errors()).extracting(ConfigException.ConfigError::key).containsExactly("parameters.regex");
        assertThat(invalid.getMessage()).contains("quality rule 'broken'").contains("[unclosed");
        assertThat(gate.validate(rule("broken", "pattern", "email", "regex", "[unclosed"))).hasSize(1);

        EtlException duplicate = catchThrowableOfType(EtlException.class, () -> gate.addRule(emailFormat("warn")));
        assertThat(duplicate.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(duplicate.getMessage()).contains("'email_format' already exists");

        EtlException unknown = catchThrowableOfType(EtlException.class, () -> gate.removeRule("nope"));
        assertThat(unknown.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(unknown.getMessage()).isEqualTo("no quality rule 'nope'; known rules: email_format");
        assertThat(gate.qualityRules()).hasSize(1);
    }

    @Test
    void replacingRulesKeepsTheStateOfUnchangedRulesAndRefusesInvalidSetsWhole() {
        QualityRule unique = rule("email_unique", "unique", "email");
        QualityGate gate = gate(unique, emailFormat("warn"));
        run(gate, List.of(user(1, "a@b.com")));

        gate.replaceRules(List.of(unique));
        assertThat(gate.qualityRules()).containsExactly(unique);
        assertThat(gate.metrics().rules()).containsOnlyKeys("email_unique");
        // the unique rule is the same compiled rule: it still remembers a@b.com from before the swap
        assertThat(run(gate, List.of(user(2, "a@b.com"))).emitted).hasSize(1);
        assertThat(gate.metrics().rules().get("email_unique").total().failed()).isEqualTo(1);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> gate.replaceRules(List.of(
                rule("x", "not_null", "a"), rule("x", "bogus", "a"))));
        assertThat(e.errors()).extracting(ConfigException.ConfigError::key).containsExactly("rules[1].check", "rules[1].rule_id");
        assertThat(gate.qualityRules()).containsExactly(unique);
    }

    @Test
    void uniqueTellsRowsApartByKeyAndFreesValuesOnUpdateAndDelete() {
        QualityGate gate = gate(rule("email_unique", "unique", "email").withAction("drop"));
        ChangeEvent row2SameEmail = user(2, "a@x.com");
        RecordingCollector out = run(gate, List.of(
                user(1, "a@x.com"),
                row2SameEmail,
                ChangeEvent.update("postgres_main", "public.users", row("id", 1L), null, row("id", 1L, "email", "a@x.com"), Position.of(3L)),
                ChangeEvent.update("postgres_main", "public.users", row("id", 1L), null, row("id", 1L, "email", "b@x.com"), Position.of(4L)),
                user(5, "a@x.com"),
                ChangeEvent.delete("postgres_main", "public.users", row("id", 5L), null, Position.of(6L)),
                user(7, "a@x.com"),
                user(8, "b@x.com")));
        assertThat(out.dropped).extracting(d -> d.event().position()).containsExactly(Position.of(2L), Position.of(8L));
        assertThat(out.dropped.get(0).reason()).contains("already held by the row with key {id=1}");
        assertThat(out.emitted).hasSize(6);
    }

    @Test
    void uniqueWindowsAreBoundedAndKeptPerAsset() {
        QualityGate gate = gate(rule("u", "unique", "code", "window", 2).withAction("drop"));
        List<ChangeEvent> batch = new java.util.ArrayList<>();
        String[] codes = {"a", "b", "c", "a", "c"};
        for (int i = 0; i < codes.length; i++) {
            batch.add(ChangeEvent.insert("pg", "public.t", null, row("code", codes[i]), Position.of(i + 1L)));
        }
        batch.add(ChangeEvent.insert("pg", "public.other", null, row("code", "c"), Position.of(10L)));
        RecordingCollector out = run(gate, batch);
        // "a" was pushed out of the two-value window by b and c; "c" is still in it; another table has its own window
        assertThat(out.dropped).extracting(d -> d.event().position()).containsExactly(Position.of(5L));
    }

    @Test
    void freshnessComparesTheSourceTimeWithTheInjectedClock() {
        MutableClock clock = new MutableClock(T0.plusSeconds(60));
        QualityGate gate = QualityGate.builder().clock(clock)
                .rule(QualityRule.of("fresh", null, null, "freshness", Map.of("max_age_seconds", 60)).withAction("drop")).build();
        ChangeEvent atT0 = user(1, "a@b.com");
        assertThat(run(gate, List.of(atT0)).emitted).as("exactly 60 s old").hasSize(1);
        clock.advance(Duration.ofMillis(1));
        RecordingCollector late = run(gate, List.of(atT0));
        assertThat(late.dropped).singleElement().satisfies(d -> assertThat(d.reason()).contains("is 60.001 s old; at most 60 s allowed"));
        clock.set(T0.minusSeconds(5));
        assertThat(run(gate, List.of(atT0)).emitted).as("event times in the future pass").hasSize(1);
    }

    @Test
    void freshnessOfAFieldReadsTheFieldsTime() {
        MutableClock clock = new MutableClock(T0);
        QualityGate gate = QualityGate.builder().clock(clock)
                .rule(QualityRule.of("fresh", null, "updated_at", "freshness", Map.of("max_age_seconds", 1.5))).build();
        QualityCheckResult result = gate.check(QualityCheckRequest.of(List.of(
                Map.of("updated_at", "2026-01-05T09:59:59Z"),
                Map.of("updated_at", "2026-01-05T09:59:58Z"),
                Map.of("updated_at", T0.minusSeconds(1)),
                Map.of("updated_at", "long ago")), List.of()));
        assertThat(result.results()).extracting(RecordResult::passed).containsExactly(true, false, true, false);
        assertThat(result.results().get(1).failures().get(0).reason()).isEqualTo("is 2.0 s old; at most 1.5 s allowed");
        assertThat(result.results().get(3).failures().get(0).reason()).contains("expected a timestamp for the event time, got String");
    }

    @Test
    void expressionsUseTheEngineTheGateWasGiven() {
        QualityGate gate = QualityGate.builder().expressionEngine(new io.etlcdc.quality.support.MiniExpressionEngine())
                .rule(QualityRule.of("amount_positive", "postgres_main_orders", "amount", "expression",
                        Map.of("expression", "{{ amount > 0 }}")).withAction("dead_letter")).build();
        RecordingCollector out = run(gate, List.of(order(1, 10), order(2, 0), order(3, null)));
        assertThat(out.emitted).hasSize(1);
        assertThat(out.deadLettered).extracting(d -> d.reason()).containsExactly(
                "quality rule 'amount_positive' (expression on 'amount') failed: expression {{ amount > 0 }} is false",
                "quality rule 'amount_positive' (expression on 'amount') failed: expression {{ amount > 0 }} failed: '>' not supported between None and number");
    }
}
