package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;

import java.time.Instant;

/**
 * Fails when the event time is older than {@code max_age_seconds} at the time of the check. The
 * event time is the field's value when the rule names a field, otherwise the time the source
 * committed the change. Times in the future pass.
 */
@Internal
public final class FreshnessCheck extends Check {
    private final long maxAgeMillis;
    private final String maxAgeText;

    public FreshnessCheck(double maxAgeSeconds) {
        super(CheckType.FRESHNESS);
        this.maxAgeMillis = Math.round(maxAgeSeconds * 1000);
        this.maxAgeText = maxAgeSeconds == Math.rint(maxAgeSeconds) ? String.valueOf((long) maxAgeSeconds) : String.valueOf(maxAgeSeconds);
    }

    @Override
    public String test(Object value, Evaluation ctx) {
        long eventMillis;
        if (value instanceof Instant i) {
            eventMillis = i.toEpochMilli();
        } else {
            Instant i = Values.toInstant(value);
            if (i == null) {
                return "expected a timestamp for the event time, got " + Values.typeName(value);
            }
            eventMillis = i.toEpochMilli();
        }
        long age = ctx.nowMillis() - eventMillis;
        if (age <= maxAgeMillis) {
            return null;
        }
        return "is " + (age / 1000.0) + " s old; at most " + maxAgeText + " s allowed";
    }
}
