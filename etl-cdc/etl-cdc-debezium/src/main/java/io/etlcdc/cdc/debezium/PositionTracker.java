package io.etlcdc.cdc.debezium;

import io.etlcdc.core.event.Position;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gives every event of a Debezium-based source a unique, ordered {@link Position}.
 *
 * <p>Sort keys have the shape {@code [epoch, 0, seq]} for snapshot reads and
 * {@code [epoch, 1, ...streamKey, index]} for streamed changes, where {@code streamKey} is the
 * database's own order (PostgreSQL {@code [lastCommitLsn, lsn]}, MySQL binlog coordinates, MongoDB
 * resume token) and {@code index} counts events that share one stream key (several rows written by
 * one WAL record or one binlog event). Debezium re-delivers such a group from its first event after
 * a restart, so the index numbers them the same way again and the runtime's dedup drops exactly the
 * ones already delivered.
 *
 * <p>The epoch starts at the committed position's epoch and grows whenever a snapshot begins after
 * anything else (a re-snapshot on request, a snapshot redone after a restart, a snapshot because the
 * old position was lost): snapshot rows then sort after everything already delivered, and the stream
 * that follows sorts after them. Rows of a snapshot that is redone are delivered again (sinks upsert
 * them), never skipped.
 *
 * <p>Not thread-safe: used by the engine's consumer thread only.
 */
public final class PositionTracker {
    static final long SNAPSHOT_PHASE = 0L;
    static final long STREAM_PHASE = 1L;

    private long epoch;
    private boolean anythingBefore;
    private boolean inSnapshot;
    private long snapshotSeq;
    private List<Object> lastStreamKey;
    private long index;

    /** A tracker continuing after {@code committed} (null when the source has no committed position). */
    public PositionTracker(Position committed) {
        if (committed != null) {
            anythingBefore = true;
            Object first = committed.sortKey().get(0);
            epoch = first instanceof Long l ? l : 0L;
        }
    }

    /** Forgets per-run state; called before every engine (re)start, since Debezium then re-delivers from the committed offset. */
    public void engineStarting() {
        inSnapshot = false;
        lastStreamKey = null;
        index = 0;
    }

    /** The position of the next snapshot read. */
    public Position snapshot(Map<String, ?> offset) {
        if (!inSnapshot) {
            if (anythingBefore) {
                epoch++;
            }
            inSnapshot = true;
            snapshotSeq = 0;
            lastStreamKey = null;
        }
        anythingBefore = true;
        return new Position(List.of(epoch, SNAPSHOT_PHASE, snapshotSeq++), cast(offset));
    }

    /** The position of the next streamed change with the database's own order {@code streamKey} (Longs or Strings). */
    public Position stream(List<Object> streamKey, Map<String, ?> offset) {
        inSnapshot = false;
        anythingBefore = true;
        if (streamKey.equals(lastStreamKey)) {
            index++;
        } else {
            lastStreamKey = streamKey;
            index = 0;
        }
        List<Object> key = new ArrayList<>(streamKey.size() + 3);
        key.add(epoch);
        key.add(STREAM_PHASE);
        key.addAll(streamKey);
        key.add(index);
        return new Position(key, cast(offset));
    }

    /** The current epoch (for status and tests). */
    public long epoch() {
        return epoch;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<String, ?> offset) {
        return (Map<String, Object>) offset;
    }
}
