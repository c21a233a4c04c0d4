package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fails when the value is not one of the listed values. Numbers compare by value (1, 1L and 1.0
 * are the same); with {@code ignore_case} texts compare without case.
 */
@Internal
public final class AllowedValuesCheck extends Check {
    private final Set<Object> allowed;
    private final boolean ignoreCase;
    private final String listed;

    public AllowedValuesCheck(List<?> values, boolean ignoreCase) {
        super(CheckType.ALLOWED_VALUES);
        this.ignoreCase = ignoreCase;
        Set<Object> set = new HashSet<>();
        for (Object v : values) {
            set.add(ignoreCase && v instanceof CharSequence s ? s.toString().toLowerCase(Locale.ROOT) : Values.normalize(v));
        }
        this.allowed = Set.copyOf(set);
        String shown = values.toString();
        this.listed = values.size() > 20 ? values.subList(0, 20).toString().replace("]", ", ...]") : shown;
    }

    @Override
    public String test(Object value, Evaluation ctx) {
        Object probe;
        if (value instanceof String s) {
            probe = ignoreCase ? s.toLowerCase(Locale.ROOT) : s;
        } else if (value instanceof CharSequence s) {
            probe = ignoreCase ? s.toString().toLowerCase(Locale.ROOT) : s.toString();
        } else {
            probe = Values.normalize(value);
        }
        return allowed.contains(probe) ? null : "is not one of the allowed values " + listed;
    }
}
