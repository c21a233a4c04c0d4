package io.etlcdc.core.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Where an event sits in its source's change stream. Positions of one source are totally ordered by
 * {@link #sortKey()}; every event of a source has a distinct position, so that "at or below the
 * committed position" identifies re-deliveries exactly.
 *
 * <ul>
 *   <li>{@code sortKey}: the ordering, compared element by element; each element is a {@link Long}
 *   or a {@link String} (never mixed at the same index within one source). PostgreSQL uses
 *   {@code [commitLsn, txId, indexInTxn]}, MySQL {@code [binlogFileNumber, position, rowInEvent]},
 *   MongoDB {@code [resumeTokenHex]}.</li>
 *   <li>{@code offset}: what the source needs to resume (for instance Debezium's offset map). Opaque
 *   to the runtime; JSON-serializable values only.</li>
 * </ul>
 * Positions survive a JSON round trip: whole numbers (in the sort key and the offset) are held as
 * {@link Long}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Position(
        @JsonProperty("sort_key") List<Object> sortKey,
        @JsonProperty("offset") Map<String, Object> offset) implements Comparable<Position> {

    @JsonCreator
    public Position(@JsonProperty("sort_key") List<Object> sortKey,
                    @JsonProperty("offset") Map<String, Object> offset) {
        Objects.requireNonNull(sortKey, "sortKey");
        if (sortKey.isEmpty()) {
            throw new IllegalArgumentException("sortKey must not be empty");
        }
        List<Object> normalized = new ArrayList<>(sortKey.size());
        for (Object part : sortKey) {
            normalized.add(normalize(part));
        }
        this.sortKey = Collections.unmodifiableList(normalized);
        this.offset = offset == null || offset.isEmpty() ? Map.of() : normalizeOffset(offset);
    }

    /** A position ordered by the given parts (each a whole number or a string), with no resume data. */
    public static Position of(Object... sortKey) {
        return new Position(List.of(sortKey), Map.of());
    }

    /** A copy with the given resume data. */
    public Position withOffset(Map<String, Object> offset) {
        return new Position(sortKey, offset);
    }

    /** True when this position is strictly after {@code other}; {@code other == null} counts as "before everything". */
    public boolean isAfter(Position other) {
        return other == null || compareTo(other) > 0;
    }

    @Override
    public int compareTo(Position other) {
        List<Object> a = sortKey;
        List<Object> b = other.sortKey;
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            int c = comparePart(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** The sort key as text, e.g. {@code 23712344:771:3}: for logs and status pages. */
    @JsonIgnore
    public String display() {
        StringJoiner j = new StringJoiner(":");
        for (Object part : sortKey) {
            j.add(String.valueOf(part));
        }
        return j.toString();
    }

    @Override
    public String toString() {
        return display();
    }

    /**
     * Writes only {@code {"sort_key": [...]}} (no resume data), keeping the replay marker when set:
     * what change-event JSON needs to order and de-duplicate events.
     */
    public static final class SortKeyOnly extends com.fasterxml.jackson.databind.JsonSerializer<Position> {
        @Override
        public void serialize(Position p, com.fasterxml.jackson.core.JsonGenerator g, com.fasterxml.jackson.databind.SerializerProvider s)
                throws java.io.IOException {
            g.writeStartObject();
            g.writeArrayFieldStart("sort_key");
            for (Object part : p.sortKey) {
                if (part instanceof Long l) {
                    g.writeNumber(l);
                } else {
                    g.writeString((String) part);
                }
            }
            g.writeEndArray();
            Object replay = p.offset.get("replay");
            if (replay != null) {
                g.writeObjectFieldStart("offset");
                g.writeObjectField("replay", replay);
                g.writeEndObject();
            }
            g.writeEndObject();
        }
    }

    private static int comparePart(Object x, Object y) {
        if (x instanceof Long lx && y instanceof Long ly) {
            return Long.compare(lx, ly);
        }
        if (x instanceof String sx && y instanceof String sy) {
            return sx.compareTo(sy);
        }
        // Mixed kinds at one index break the contract; order numbers first so that compare stays total.
        return x instanceof Long ? -1 : 1;
    }

    /** Whole numbers become Long, so that an offset equals itself after a JSON round trip. */
    private static Map<String, Object> normalizeOffset(Map<String, ?> offset) {
        Map<String, Object> out = new LinkedHashMap<>();
        offset.forEach((k, v) -> out.put(k, normalizeValue(v)));
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private static Object normalizeValue(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Map<?, ?> m) {
            return normalizeOffset((Map<String, ?>) m);
        }
        if (v instanceof List<?> l) {
            return l.stream().map(Position::normalizeValue).toList();
        }
        return v;
    }

    private static Object normalize(Object part) {
        if (part instanceof Long || part instanceof String) {
            return part;
        }
        if (part instanceof Integer || part instanceof Short || part instanceof Byte) {
            return ((Number) part).longValue();
        }
        if (part instanceof java.math.BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        throw new IllegalArgumentException("position parts must be whole numbers or strings, got "
                + (part == null ? "null" : part.getClass().getSimpleName() + " '" + part + "'"));
    }
}
