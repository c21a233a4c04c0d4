package io.etlcdc.cdc.debezium;

import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private static DebeziumSettings settings(int maxRetries) {
        return new DebeziumSettings("s", null, Configuration.empty(), List.of(), "initial", Duration.ofSeconds(1),
                Duration.ZERO, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(1_000), maxRetries,
                Duration.ofSeconds(60), Map.of());
    }

    private static final EtlException DOWN = new EtlException(ErrorCode.SOURCE_FAILED, "connection refused");

    @Test
    void theDelayDoublesPerAttemptUpToTheMaximum() {
        Backoff b = new Backoff(settings(-1));
        assertThat(List.of(b.delayBefore(1, DOWN), b.delayBefore(2, DOWN), b.delayBefore(3, DOWN), b.delayBefore(4, DOWN),
                b.delayBefore(5, DOWN), b.delayBefore(100, DOWN))).containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L);
    }

    @Test
    void pastMaxRetriesTheFailureIsThrownMarkedAsGivenUp() {
        Backoff b = new Backoff(settings(2));
        assertThat(b.delayBefore(2, DOWN)).isEqualTo(200L);
        assertThatThrownBy(() -> b.delayBefore(3, DOWN)).isInstanceOf(EtlException.class)
                .hasMessage("connection refused (gave up after 2 retries)").hasCause(DOWN)
                .satisfies(e -> assertThat(((EtlException) e).code()).isEqualTo(ErrorCode.SOURCE_FAILED));
    }

    @Test
    void wakeCutsASleepShortOnceStopped() throws Exception {
        Backoff b = new Backoff(settings(-1));
        AtomicBoolean stopped = new AtomicBoolean();
        long[] slept = new long[1];
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                b.sleep(60_000, stopped::get);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slept[0] = (System.nanoTime() - t0) / 1_000_000;
        });
        t.start();
        Thread.sleep(100);
        stopped.set(true);
        b.wake();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(slept[0]).isLessThan(10_000);
    }
}
