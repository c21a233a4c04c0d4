package io.etlcdc.core.spi;

import io.etlcdc.core.event.Position;

import java.util.Map;
import java.util.Optional;

/**
 * Durable committed positions per source. The runtime commits a source's position only after every
 * sink acknowledged every event up to it; after a restart the source resumes right after it.
 *
 * <p>{@link #commit} is durable on return and atomic: a crash leaves the previous or the new
 * position, never a torn one. State that cannot be read must fail loudly
 * ({@link io.etlcdc.core.error.ErrorCode#STATE_CORRUPT}, naming where) rather than read as "no
 * position" (which would silently restart capture from "now"). Thread-safe.
 */
public interface OffsetStore extends AutoCloseable {

    /** The committed position of a source, if any. */
    Optional<Position> load(String sourceId);

    /** Every committed position, by source id. */
    Map<String, Position> loadAll();

    /** Makes {@code position} the committed position of the source. */
    void commit(String sourceId, Position position);

    /** Forgets a source's position (the next start re-snapshots). */
    void reset(String sourceId);

    @Override
    default void close() throws Exception {
    }
}
