package io.etlcdc.core.testing;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fixtures for tests: events with predictable positions. Shipped in etl-core's test-jar. */
public final class Events {
    private Events() {}

    /** A row map from alternating keys and values; null values allowed. */
    public static Map<String, Object> row(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** An insert of {@code {id, name}} at position {@code [n]} into {@code public.users}. */
    public static ChangeEvent insert(String sourceId, long n) {
        return ChangeEvent.builder(sourceId, "public.users", io.etlcdc.core.event.Operation.INSERT)
                .key(row("id", n))
                .after(row("id", n, "name", "user" + n, "email", "user" + n + "@example.com"))
                .position(Position.of(n))
                .sourceTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + n))
                .build();
    }

    /** Inserts at positions {@code from..to} inclusive. */
    public static List<ChangeEvent> inserts(String sourceId, long from, long to) {
        List<ChangeEvent> out = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            out.add(insert(sourceId, n));
        }
        return out;
    }
}
