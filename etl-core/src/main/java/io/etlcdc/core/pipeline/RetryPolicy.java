package io.etlcdc.core.pipeline;

import io.etlcdc.core.error.EtlException;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Optional;

/**
 * Decides whether and when to try a failed sink write again. Returning empty gives up: the pipeline
 * fails with the error. The default retries transient errors forever with exponential backoff, so a
 * sink that is down holds the pipeline (back-pressure) and loses nothing.
 */
@FunctionalInterface
public interface RetryPolicy {

    /**
     * @param attempt how many attempts failed so far (1 after the first failure)
     * @param error   the last failure
     * @return how long to wait before the next attempt, or empty to give up
     */
    Optional<Duration> nextDelay(int attempt, Throwable error);

    /** Retries transient errors (see {@link #isTransient}) forever, waiting {@code initial} doubling up to {@code max}. */
    static RetryPolicy exponential(Duration initial, Duration max) {
        return (attempt, error) -> {
            if (!isTransient(error)) {
                return Optional.empty();
            }
            long ms = initial.toMillis() << Math.min(attempt - 1, 20);
            return Optional.of(Duration.ofMillis(Math.min(ms, max.toMillis())));
        };
    }

    /** Never retries. */
    static RetryPolicy never() {
        return (attempt, error) -> Optional.empty();
    }

    /** This policy, giving up after {@code maxAttempts} failed attempts. */
    default RetryPolicy limit(int maxAttempts) {
        return (attempt, error) -> attempt >= maxAttempts ? Optional.empty() : nextDelay(attempt, error);
    }

    /**
     * True for failures that may go away: {@link EtlException#isRetriable()}, and connection-level
     * JDK exceptions anywhere in the cause chain.
     */
    static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof EtlException e) {
                if (e.isRetriable()) {
                    return true;
                }
            } else if (t instanceof ConnectException || t instanceof SocketException || t instanceof SocketTimeoutException
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }
}
