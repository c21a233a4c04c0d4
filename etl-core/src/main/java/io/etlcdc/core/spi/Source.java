package io.etlcdc.core.spi;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.Position;

import java.util.List;

/**
 * Captures changes from one database (or any stream) and emits them in batches.
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>{@link #run(SourceContext)} is called once, on a thread the runtime owns; it emits batches with
 *   {@link SourceContext#emit(List)} (which blocks while the pipeline's buffer is full: that is the
 *   back-pressure) and returns when {@link #stop()} was called, or throws when capture fails.</li>
 *   <li>Events of one source are emitted in order, and each has a {@link Position} strictly greater
 *   than the previous one's, except re-deliveries after a reconnect, which the runtime drops.</li>
 *   <li>On start the source resumes right after {@link SourceContext#committedPosition()} when there is
 *   one. If that position no longer exists at the database it must fail with
 *   {@link ErrorCode#POSITION_LOST} rather than skip ahead silently.</li>
 *   <li>{@link #onCommitted(Position)} tells the source that every event up to that position is durable
 *   in every sink; only then may it let the database release them (confirm a slot's LSN, etc.).</li>
 * </ul>
 * {@link #stop()}, {@link #onCommitted(Position)} and {@link #health()} may be called from other
 * threads than {@code run} and must be thread-safe.
 */
public interface Source extends AutoCloseable {

    /** Captures until stopped. See the class contract. */
    void run(SourceContext context) throws Exception;

    /** Asks {@link #run} to return soon. Idempotent. */
    void stop();

    /** Everything up to and including {@code position} is durable downstream. Default: nothing to do. */
    default void onCommitted(Position position) {
    }

    /** Current health; must be cheap (called by status and health checks). */
    default SourceHealth health() {
        return SourceHealth.unknown();
    }

    /**
     * Re-reads the given tables (all configured tables when empty) as snapshot events, e.g. after the
     * position to resume from was lost.
     *
     * @throws EtlException when the source cannot snapshot on request
     */
    default void requestSnapshot(List<String> tables) {
        throw new EtlException(ErrorCode.SOURCE_FAILED, getClass().getSimpleName() + " cannot re-snapshot on request");
    }

    /** Releases resources; called after {@link #run} returned. */
    @Override
    default void close() throws Exception {
    }
}
