package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fails when another row of the same asset holds the value within the last {@code window} distinct
 * values. Rows are told apart by their primary key, so an update of a row that keeps its value
 * passes, and a row that changes its value frees the old one; a delete frees the row's value. A row
 * without a key counts as a new row every time. Live windows are kept per asset and owned by the
 * pipeline thread; a dry run uses windows of its own that see only its records.
 */
@Internal
public final class UniqueCheck extends Check {
    private final int window;
    private final Map<String, UniqueWindow> windows = new ConcurrentHashMap<>();

    public UniqueCheck(int window) {
        super(CheckType.UNIQUE);
        this.window = window;
    }

    public int window() {
        return window;
    }

    @Override
    public String test(Object value, Evaluation ctx) {
        Object holder = windowFor(ctx).offer(Values.normalize(value), ctx.key());
        if (holder == null) {
            return null;
        }
        return "is not unique: already held by " + (holder == UniqueWindow.NO_KEY ? "an earlier record" : "the row with key " + holder)
                + " within the last " + window + " values";
    }

    /** A deleted row frees its value. */
    public void rowDeleted(Evaluation ctx) {
        windowFor(ctx).releaseRow(ctx.key());
    }

    private UniqueWindow windowFor(Evaluation ctx) {
        return ctx.isLive() ? windows.computeIfAbsent(ctx.asset(), a -> new UniqueWindow(window)) : ctx.dryRunWindow(this, window);
    }

    /** Values remembered for an asset (for tests and status). */
    public int remembered(String asset) {
        UniqueWindow w = windows.get(asset);
        return w == null ? 0 : w.size();
    }
}
