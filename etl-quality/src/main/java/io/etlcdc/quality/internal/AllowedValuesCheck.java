package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Fails when the value is not one of the listed values. Numbers compare by value (1, 1L, 1.0 and
 * 1.00m are the same); with {@code ignore_case} texts compare without case. Numbers are looked up in
 * sorted arrays and texts in a set, so the common value types are checked without allocating.
 */
@Internal
public final class AllowedValuesCheck extends Check {
    private final long[] wholeNumbers;
    private final double[] otherNumbers;
    private final Set<String> texts;
    private final Set<Object> others;
    private final String listed;

    public AllowedValuesCheck(List<?> values, boolean ignoreCase) {
        super(CheckType.ALLOWED_VALUES);
        List<Long> wholes = new ArrayList<>();
        List<Double> fractions = new ArrayList<>();
        Set<String> textSet = ignoreCase ? new TreeSet<>(String.CASE_INSENSITIVE_ORDER) : new HashSet<>();
        Set<Object> otherSet = new HashSet<>();
        for (Object v : values) {
            if (v instanceof CharSequence s) {
                textSet.add(s.toString());
            } else if (v instanceof Number) {
                Object n = Values.normalize(v);
                if (n instanceof Long l) {
                    wholes.add(l);
                } else if (n instanceof Double d) {
                    fractions.add(d);
                } else {
                    otherSet.add(n);  // whole numbers beyond the long range
                }
            } else {
                otherSet.add(v);
            }
        }
        this.wholeNumbers = wholes.stream().mapToLong(Long::longValue).sorted().toArray();
        this.otherNumbers = fractions.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        this.texts = textSet;
        this.others = Set.copyOf(otherSet);
        this.listed = values.size() > 20 ? values.subList(0, 20).toString().replace("]", ", ...]") : values.toString();
    }

    @Override
    public String test(Object value, Evaluation ctx) {
        return isAllowed(value) ? null : "is not one of the allowed values " + listed;
    }

    private boolean isAllowed(Object value) {
        if (value instanceof String s) {
            return texts.contains(s);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return Arrays.binarySearch(wholeNumbers, ((Number) value).longValue()) >= 0;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
                return Arrays.binarySearch(wholeNumbers, (long) d) >= 0;
            }
            return Arrays.binarySearch(otherNumbers, d) >= 0;
        }
        if (value instanceof BigDecimal || value instanceof BigInteger) {
            Object n = Values.normalize(value);
            return n instanceof Long || n instanceof Double ? isAllowed(n) : others.contains(n);
        }
        if (value instanceof CharSequence s) {
            return texts.contains(s.toString());
        }
        return others.contains(value);
    }
}
