package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;

/** Fails when the field is null or missing. */
@Internal
public final class NotNullCheck extends Check {
    public NotNullCheck() {
        super(CheckType.NOT_NULL);
    }

    @Override
    public String test(Object value, Evaluation ctx) {
        return value == null ? "is null or missing" : null;
    }

    @Override
    public boolean checksNull() {
        return true;
    }
}
