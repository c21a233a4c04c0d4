package io.etlcdc.core.spi;

import io.etlcdc.core.event.ChangeEvent;

import java.util.Map;

/** Receives one outcome per event from a {@link Transform}. Not thread-safe; use from {@code apply} only. */
public interface TransformCollector {

    /** The event goes on to the next stage. */
    void emit(ChangeEvent event);

    /** A filter rule did not keep the event: an intended outcome, counted as filtered. */
    void filter(ChangeEvent event, String ruleId);

    /** A check decided to drop the event: counted as dropped with the reason. */
    void drop(ChangeEvent event, String ruleId, String reason);

    /** The event could not be processed: it goes to the dead-letter sink with the reason and details. */
    void deadLetter(ChangeEvent event, String ruleId, String reason, Map<String, Object> details);

    /**
     * Stops one source (e.g. a refused schema change): none of its events in this batch is delivered
     * or committed, and the source is shown as failed with the reason.
     */
    void failSource(String sourceId, String reason);

    /** Stops the whole pipeline with the reason (e.g. a quality rule with action {@code fail}); nothing of this batch is committed. */
    void failPipeline(String reason);
}
