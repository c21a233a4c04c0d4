package io.etlcdc.core.spi;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** What the runtime gives a running {@link Source}. Thread-safe. */
public interface SourceContext {

    /** The source's id. */
    String sourceId();

    /** The last position committed for this source (durable in every sink), if any. */
    Optional<Position> committedPosition();

    /**
     * Hands a batch to the pipeline. Blocks while the pipeline's buffer is full. Events at or below
     * the committed position or the last emitted position are dropped here as duplicates (and counted).
     * The list must not be changed afterwards.
     *
     * @throws InterruptedException when the pipeline is stopping
     */
    void emit(List<ChangeEvent> batch) throws InterruptedException;

    /** True until the pipeline asks sources to stop. */
    boolean isRunning();

    Clock clock();
}
