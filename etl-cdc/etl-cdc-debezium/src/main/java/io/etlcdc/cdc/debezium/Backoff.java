package io.etlcdc.cdc.debezium;

import io.etlcdc.core.error.EtlException;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The reconnect rule every source engine follows ({@code retry_initial_delay}, {@code retry_max_delay},
 * {@code max_retries}): give up past the last allowed attempt, else wait the initial delay doubled per
 * attempt, capped at the maximum, in a sleep that {@link #wake()} cuts short when the source is stopped.
 * Thread-safe.
 */
public final class Backoff {
    private final DebeziumSettings settings;
    private final Object lock = new Object();

    public Backoff(DebeziumSettings settings) {
        this.settings = settings;
    }

    /**
     * Before reconnect attempt {@code attempt} (1 for the first): throws {@code failure}, marked as given up, when
     * {@code max_retries} (-1: unlimited) is exhausted; else returns how long to wait, in milliseconds.
     */
    public long delayBefore(int attempt, EtlException failure) {
        if (settings.maxRetries() >= 0 && attempt > settings.maxRetries()) {
            throw new EtlException(failure.code(), failure.getMessage() + " (gave up after " + settings.maxRetries() + " retries)", failure);
        }
        return Math.min(settings.retryMaxDelay().toMillis(), settings.retryInitialDelay().toMillis() << Math.min(attempt - 1, 20));
    }

    /** Waits {@code millis}, returning early once {@code stopped} is true after a {@link #wake()}. */
    public void sleep(long millis, BooleanSupplier stopped) throws InterruptedException {
        synchronized (lock) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (!stopped.getAsBoolean()) {
                long left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                lock.wait(left);
            }
        }
    }

    /** Wakes a sleeping {@link #sleep} so that it checks its stop condition at once. */
    public void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }
}
