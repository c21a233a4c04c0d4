package io.etlcdc.core.pipeline;

import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.DeadLetter;

import java.util.List;

/**
 * Callbacks on pipeline events, for audit trails, alerts and tests. All default to no-ops. Called on
 * pipeline threads: return quickly and never throw (exceptions are logged and ignored).
 */
public interface PipelineListener {

    default void onStateChanged(PipelineState from, PipelineState to, String reason) {
    }

    /** A source's position was committed after every sink acknowledged {@code events} of its events. */
    default void onCommitted(String sourceId, Position position, int events) {
    }

    default void onSourceFailed(String sourceId, Throwable error) {
    }

    default void onDeadLetters(List<DeadLetter> deadLetters) {
    }

    PipelineListener NONE = new PipelineListener() { };
}
