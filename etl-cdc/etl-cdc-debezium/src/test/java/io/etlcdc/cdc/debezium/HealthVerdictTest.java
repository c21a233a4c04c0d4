package io.etlcdc.cdc.debezium;

import io.etlcdc.core.spi.HealthStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HealthVerdictTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Duration STALL = Duration.ofSeconds(60);

    private static HealthVerdict verdict(boolean connected, String problem, Instant activity, int notCaptured) {
        return HealthVerdict.of(connected, problem, "PostgreSQL", activity, NOW, STALL, "nothing arrived", notCaptured, "table(s)");
    }

    @Test
    void downWhileNotConnectedWithTheProblemOrWhatItConnectsTo() {
        assertThat(verdict(false, null, NOW, 0)).isEqualTo(new HealthVerdict(HealthStatus.DOWN, "connecting to PostgreSQL"));
        assertThat(verdict(false, "retrying (attempt 2)", NOW, 3)).isEqualTo(new HealthVerdict(HealthStatus.DOWN, "retrying (attempt 2)"));
    }

    @Test
    void downWhenSilentPastTheStallTimeoutUnlessSilenceIsNotWatched() {
        assertThat(verdict(true, null, NOW.minusSeconds(61), 2))
                .isEqualTo(new HealthVerdict(HealthStatus.DOWN, "stalled: connected but nothing arrived for 61 s"));
        assertThat(verdict(true, null, NOW.minusSeconds(60), 0).status()).isEqualTo(HealthStatus.UP);
        assertThat(verdict(true, null, null, 0).status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void degradedWithTablesLeftOutElseUp() {
        assertThat(verdict(true, null, NOW, 2)).isEqualTo(new HealthVerdict(HealthStatus.DEGRADED, "2 table(s) not captured, see table_errors"));
        assertThat(verdict(true, "slot lag high", NOW, 2)).isEqualTo(new HealthVerdict(HealthStatus.DEGRADED, "slot lag high"));
        assertThat(verdict(true, null, NOW, 0)).isEqualTo(new HealthVerdict(HealthStatus.UP, null));
    }
}
