package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;

/**
 * One compiled check. {@link #test} must not allocate when the value passes (a failure allocates
 * its reason). Thread-safe unless stated otherwise (unique checks keep live state that only the
 * pipeline thread changes).
 */
@Internal
public abstract class Check {
    private final CheckType type;

    protected Check(CheckType type) {
        this.type = type;
    }

    public final CheckType type() {
        return type;
    }

    /**
     * Tests one value.
     *
     * @param value the field's value; null for a null or absent field (only passed when
     *              {@link #checksNull()} is true)
     * @return null when the value passes, otherwise the reason, readable and without the value itself
     */
    public abstract String test(Object value, Evaluation ctx);

    /** Whether null values are tested; other checks let nulls pass (pair them with {@code not_null}). */
    public boolean checksNull() {
        return false;
    }
}
