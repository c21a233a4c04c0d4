package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;

import java.util.Map;

/**
 * A field name, compiled once. The exact key is tried first (column names may contain dots); a
 * dotted name then walks into nested maps ({@code address.city}). Thread-safe.
 */
@Internal
public final class FieldPath {
    /** Returned by {@link #read} when the row has no such field (as opposed to a null value). */
    public static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "<absent>";
        }
    };

    private final String name;
    private final String[] parts;

    public FieldPath(String name) {
        this.name = name;
        this.parts = name.split("\\.", -1);
    }

    public String name() {
        return name;
    }

    /** The top-level column the path starts at. */
    public String head() {
        return parts[0];
    }

    /** The value, null for a null value, or {@link #ABSENT}. Allocates nothing. */
    public Object read(Map<String, Object> row) {
        if (row == null) {
            return ABSENT;
        }
        Object direct = row.get(name);
        if (direct != null) {
            return direct;
        }
        if (row.containsKey(name)) {
            return null;
        }
        if (parts.length == 1) {
            return ABSENT;
        }
        Object current = row;
        for (String part : parts) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
                return ABSENT;
            }
            current = map.get(part);
        }
        return current;
    }
}
