package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The record being checked and the facts checks may need beyond the field value. One instance is
 * reused for every record of a batch (or of a dry run), so that checking allocates nothing per record.
 * Not thread-safe: one per thread.
 */
@Internal
public final class Evaluation {
    private final boolean live;
    private final long nowMillis;
    private Map<String, Object> row;
    private Map<String, Object> key;
    private Operation operation;
    private Set<String> unchangedFields = Set.of();
    private Instant sourceTimestamp;
    private String asset = "";
    private Map<Object, UniqueWindow> dryRunWindows;

    private Evaluation(boolean live, long nowMillis) {
        this.live = live;
        this.nowMillis = nowMillis;
    }

    /** For the live pipeline: unique checks remember values across batches. */
    public static Evaluation live(long nowMillis) {
        return new Evaluation(true, nowMillis);
    }

    /** For a dry run: unique checks see only the records of the run, and nothing live changes. */
    public static Evaluation dryRun(long nowMillis) {
        return new Evaluation(false, nowMillis);
    }

    /** Points at an event's row. */
    public void bind(ChangeEvent event, Map<String, Object> data, String assetName) {
        this.row = data;
        this.key = event.key();
        this.operation = event.operation();
        this.unchangedFields = event.unchangedFields();
        this.sourceTimestamp = event.sourceTimestamp();
        this.asset = assetName;
    }

    /** Points at a plain record (dry run): no key, operation or source time. */
    public void bind(Map<String, Object> record, String assetName) {
        this.row = record;
        this.key = null;
        this.operation = null;
        this.unchangedFields = Set.of();
        this.sourceTimestamp = null;
        this.asset = assetName;
    }

    public boolean isLive() {
        return live;
    }

    public long nowMillis() {
        return nowMillis;
    }

    public Map<String, Object> row() {
        return row;
    }

    /** The row's primary key, or null (no key, or a dry run). */
    public Map<String, Object> key() {
        return key;
    }

    /** The change's operation, or null in a dry run. */
    public Operation operation() {
        return operation;
    }

    public Set<String> unchangedFields() {
        return unchangedFields;
    }

    /** When the source committed the change, or null in a dry run. */
    public Instant sourceTimestamp() {
        return sourceTimestamp;
    }

    /** The asset ({@code <source_id>_<table>}) the record belongs to; the request's target or empty in a dry run. */
    public String asset() {
        return asset;
    }

    /** A window local to this dry run, created on first use. */
    UniqueWindow dryRunWindow(Object owner, int capacity) {
        if (dryRunWindows == null) {
            dryRunWindows = new HashMap<>();
        }
        return dryRunWindows.computeIfAbsent(owner, o -> new UniqueWindow(capacity));
    }
}
