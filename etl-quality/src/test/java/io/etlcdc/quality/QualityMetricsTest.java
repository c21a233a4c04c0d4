package io.etlcdc.quality;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.quality.QualityMetricsSnapshot.Figures;
import io.etlcdc.quality.QualityMetricsSnapshot.Series;
import io.etlcdc.quality.support.MutableClock;
import io.etlcdc.quality.support.RecordingCollector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.etlcdc.core.testing.Events.row;
import static io.etlcdc.quality.support.Rules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Live figures per rule and per asset, whole run and sliding windows, moved through time by a test clock. */
class QualityMetricsTest {
    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private long position;

    private QualityGate gate(QualityRule... rules) {
        return QualityGate.builder().clock(clock).rules(List.of(rules)).build();
    }

    /** {@code good} valid users then {@code bad} users with a malformed email and no name. */
    private List<ChangeEvent> users(int good, int bad) {
        List<ChangeEvent> batch = new ArrayList<>();
        for (int i = 0; i < good; i++) {
            long n = ++position;
            batch.add(ChangeEvent.insert("postgres_main", "public.users", row("id", n), row("id", n, "email", "u" + n + "@x.com", "name", "u"), Position.of(n)));
        }
        for (int i = 0; i < bad; i++) {
            long n = ++position;
            batch.add(ChangeEvent.insert("postgres_main", "public.users", row("id", n), row("id", n, "email", "broken", "name", null), Position.of(n)));
        }
        return batch;
    }

    private static void apply(QualityGate gate, List<ChangeEvent> batch) {
        gate.apply(batch, new RecordingCollector());
    }

    @Test
    void countsPerRuleAndPerAssetWithFailuresByCheckAndScores() {
        QualityGate gate = gate(
                rule("email_format", "pattern", "email", "regex", "^[^@]+@[^@]+\\.[a-z]+$").withTarget("postgres_main_users"),
                rule("name_present", "not_null", "name").withSeverity("warning"));
        apply(gate, users(6, 2));
        apply(gate, users(2, 0));
        QualityMetricsSnapshot m = gate.metrics();

        Figures email = m.rules().get("email_format").total();
        assertThat(email.checked()).isEqualTo(10);
        assertThat(email.passed()).isEqualTo(8);
        assertThat(email.failed()).isEqualTo(2);
        assertThat(email.failedByCheck()).containsExactly(Map.entry("pattern", 2L));
        assertThat(email.score()).isEqualTo(0.8);
        assertThat(email.weightedScore()).isEqualTo(0.8);

        Figures asset = m.assets().get("postgres_main_users").total();
        assertThat(asset.checked()).isEqualTo(10);
        assertThat(asset.passed()).isEqualTo(8);
        assertThat(asset.failed()).isEqualTo(2);
        assertThat(asset.failedByCheck()).containsOnly(Map.entry("pattern", 2L), Map.entry("not_null", 2L));
        assertThat(asset.score()).isEqualTo(0.8);
        // 10 evaluations of an error rule (weight 3) and 10 of a warning rule (weight 1); 8 of each passed
        assertThat(asset.weightedScore()).isCloseTo((8 * 3 + 8 * 1) / (double) (10 * 3 + 10 * 1), within(1e-12));
        assertThat(m.generatedAt()).isEqualTo(T0);
    }

    @Test
    void theWeightedScoreWeighsErrorsThreeTimesWarnings() {
        QualityGate gate = gate(
                rule("format", "pattern", "email", "regex", "@x\\.com$"),
                rule("name", "not_null", "name").withSeverity("warning"));
        // one record failing only the warning rule: share of passing evaluations by weight = 3 / 4
        apply(gate, List.of(ChangeEvent.insert("pg", "public.users", null, row("email", "a@x.com", "name", null), Position.of(1L))));
        Figures first = gate.metrics().assets().get("pg_users").total();
        assertThat(first.score()).isEqualTo(0.0);
        assertThat(first.weightedScore()).isEqualTo(0.75);
        // a record failing only the error rule: (3 + 1) / 8
        apply(gate, List.of(ChangeEvent.insert("pg", "public.users", null, row("email", "a@y.com", "name", "n"), Position.of(2L))));
        assertThat(gate.metrics().assets().get("pg_users").total().weightedScore()).isEqualTo(0.5);
    }

    @Test
    void slidingWindowsForgetWhatIsOlderThanOneFiveAndFifteenMinutes() {
        QualityGate gate = gate(rule("email_format", "pattern", "email", "regex", "@x\\.com$"));
        apply(gate, users(6, 4));                 // t0: 10 checked, 4 failed
        clock.advance(Duration.ofMinutes(2));
        apply(gate, users(10, 0));                // t0+2m: 10 checked, all pass

        Series s = gate.metrics().rules().get("email_format");
        assertThat(s.last1m().checked()).isEqualTo(10);
        assertThat(s.last1m().score()).isEqualTo(1.0);
        assertThat(s.last5m().checked()).isEqualTo(20);
        assertThat(s.last5m().failed()).isEqualTo(4);
        assertThat(s.last5m().score()).isEqualTo(0.8);
        assertThat(s.last15m().checked()).isEqualTo(20);
        assertThat(s.total().checked()).isEqualTo(20);

        clock.advance(Duration.ofMinutes(4));     // t0+6m: the first batch left the 5-minute window
        s = gate.metrics().rules().get("email_format");
        assertThat(s.last1m()).isEqualTo(Figures.empty());
        assertThat(s.last5m().checked()).isEqualTo(10);
        assertThat(s.last5m().failedByCheck()).isEmpty();
        assertThat(s.last15m().checked()).isEqualTo(20);
        assertThat(s.last15m().failedByCheck()).containsExactly(Map.entry("pattern", 4L));

        clock.advance(Duration.ofMinutes(9));     // t0+15m: the second batch (t0+2m) is 13 minutes old, the first 15
        assertThat(gate.metrics().rules().get("email_format").last15m().checked()).isEqualTo(10);
        clock.advance(Duration.ofMinutes(2));     // t0+17m: both batches left every window; the run's totals stay
        s = gate.metrics().rules().get("email_format");
        assertThat(s.last15m()).isEqualTo(Figures.empty());
        assertThat(s.total().checked()).isEqualTo(20);
        assertThat(s.total().failed()).isEqualTo(4);

        apply(gate, users(0, 1));                 // a new batch after a quiet period reuses the ring's old buckets cleanly
        s = gate.metrics().rules().get("email_format");
        assertThat(s.last1m().checked()).isEqualTo(1);
        assertThat(s.last15m().checked()).isEqualTo(1);
        assertThat(s.total().checked()).isEqualTo(21);
        assertThat(gate.metrics().assets().get("postgres_main_users").last1m().failed()).isEqualTo(1);
    }

    @Test
    void theOneMinuteWindowHasFiveSecondResolution() {
        QualityGate gate = gate(rule("n", "not_null", "name"));
        apply(gate, users(3, 0));
        clock.advance(Duration.ofSeconds(54));
        assertThat(gate.metrics().rules().get("n").last1m().checked()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(6));
        assertThat(gate.metrics().rules().get("n").last1m().checked()).isZero();
        assertThat(gate.metrics().rules().get("n").last5m().checked()).isEqualTo(3);
    }

    @Test
    void aDryRunChangesNoLiveFigures() throws Exception {
        QualityGate gate = gate(rule("email_format", "pattern", "email", "regex", "@x\\.com$"), rule("u", "unique", "email"));
        apply(gate, users(2, 1));
        String before = EtlJson.mapper().writeValueAsString(gate.metrics());
        QualityCheckResult dry = gate.check(QualityCheckRequest.of(List.of(Map.of("email", "bad"), Map.of("email", "u1@x.com")), List.of()));
        assertThat(dry.summary().failed()).isEqualTo(1);
        assertThat(EtlJson.mapper().writeValueAsString(gate.metrics())).isEqualTo(before);
        // nor did the dry run's u1@x.com reach the live unique window: it still holds only what the pipeline saw
        RecordingCollector out = new RecordingCollector();
        gate.apply(List.of(ChangeEvent.insert("postgres_main", "public.users", row("id", 99L), row("email", "new@x.com"), Position.of(99L))), out);
        assertThat(gate.metrics().rules().get("u").total().failed()).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void serializesWithTheApiNames() throws Exception {
        QualityGate gate = gate(rule("n", "not_null", "name").withTarget("postgres_main_users"));
        apply(gate, users(1, 1));
        Map<String, Object> json = EtlJson.mapper().readValue(EtlJson.mapper().writeValueAsString(gate.metrics()), Map.class);
        assertThat(json).containsOnlyKeys("generated_at", "records", "rules", "assets");
        assertThat(json.get("generated_at")).isEqualTo("2026-01-05T10:00:00Z");
        assertThat((Map<String, Object>) json.get("records")).containsOnlyKeys("checked", "passed", "warned", "dropped",
                "dead_lettered", "failed", "unchecked");
        Map<String, Object> series = (Map<String, Object>) ((Map<String, Object>) json.get("rules")).get("n");
        assertThat(series).containsOnlyKeys("total", "last_1m", "last_5m", "last_15m");
        assertThat((Map<String, Object>) series.get("last_5m")).containsExactlyInAnyOrderEntriesOf(Map.of(
                "checked", 2, "passed", 1, "failed", 1, "failed_by_check", Map.of("not_null", 1), "score", 0.5, "weighted_score", 0.5));
        assertThat((Map<String, Object>) json.get("assets")).containsOnlyKeys("postgres_main_users");
    }
}
