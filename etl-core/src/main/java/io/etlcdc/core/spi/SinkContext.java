package io.etlcdc.core.spi;

import io.etlcdc.core.event.ChangeEvent;

import java.time.Clock;

/** What the runtime gives a {@link Sink}. */
public interface SinkContext {

    String sinkId();

    /**
     * Sends one record the destination refuses for good (a constraint it violates, a value it cannot
     * store) to the dead-letter sink with the reason; the record counts as handled.
     */
    void deadLetter(ChangeEvent event, String reason);

    Clock clock();
}
