package io.etlcdc.cdc.postgres;

import io.etlcdc.core.connectors.MemoryOffsetStore;
import io.etlcdc.core.connectors.MemorySink;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.pipeline.Pipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same workload through the Debezium engine and the native engine must give identical change
 * events: operation, key, before, after (values and their Java types), unchanged fields and order.
 * The first difference fails the test and is printed. The large transaction has
 * {@code -Ddiff.bigTxnRows} rows (default 100,000).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineDifferentialIT {
    private static final int BIG_TXN_ROWS = Integer.getInteger("diff.bigTxnRows", 100_000);
    private PgTestDatabase db;

    @BeforeAll
    void startDatabase() throws Exception {
        db = new PgTestDatabase();
    }

    @AfterAll
    void stopDatabase() throws Exception {
        db.close();
    }

    private static final String COLUMNS = "id bigint PRIMARY KEY, i2 int2, i4 int4, i8 int8, n numeric(12,3), nu numeric, b bool, f4 float4, "
            + "f8 float8, t text, vc varchar(20), c char(5), d date, tm time, ttz timetz, ts timestamp, tstz timestamptz, u uuid, "
            + "j json, jb jsonb, by bytea, ai int4[], at text[], e mood, unk inet";

    private static final String[] ROWS = {
            "(1, 1, 2, 3, 12.5, 1.000001, true, 1.5, 2.25, 'hello', 'varchar', 'ab', '2024-02-29', '13:14:15.123456', '10:00:00+02', "
                    + "'2024-01-02 03:04:05.678901', '2024-01-02 03:04:05.5+05:30', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', "
                    + "'{\"a\": [1, 2]}', '{\"b\": {\"c\": null}}', '\\x00ff10', '{1,NULL,3}', '{\"a,b\",\"c\\\"d\",plain}', 'happy', '192.168.0.1/24')",
            "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    + "NULL, NULL, NULL, NULL)",
            "(3, -32768, -2147483648, -9223372036854775808, -999999999.999, 'NaN', false, 'NaN', '-Infinity', '', 'ünïcødé ✓', 'x', "
                    + "'0044-03-15 BC', '00:00:00', '23:59:59.999999-07:30', '1999-12-31 23:59:59', '1970-01-01 00:00:00+00', "
                    + "'00000000-0000-0000-0000-000000000000', '[]', '[]', '\\x', '{}', '{}', 'sad', '::1')",
            "(4, 32767, 2147483647, 9223372036854775807, 0.001, -0.5, true, 'Infinity', 1e300, 'multi\nline\ttab', 'q''uote', 'abcde', "
                    + "'2000-01-01', '24:00:00', '00:00:00+00', '2262-04-11 23:47:16.854775', '2099-06-30 12:00:00-11', "
                    + "'ffffffff-ffff-ffff-ffff-ffffffffffff', '\"s\"', '123', '\\x5c', '{5}', '{NULL,\"NULL\"}', 'happy', '10.0.0.1')",
            "(5, 0, 0, 0, 'NaN', 'Infinity', NULL, '-Infinity', 'NaN', ' ', NULL, NULL, 'infinity', NULL, NULL, 'infinity', 'infinity', "
                    + "NULL, 'null', 'null', NULL, NULL, NULL, NULL, NULL)",
            "(6, 0, 0, 0, NULL, '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, '-infinity', NULL, NULL, '-infinity', '-infinity', "
                    + "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    };

    @Test
    void bothEnginesGiveTheSameChangeEvents() throws Exception {
        db.sql("CREATE TYPE mood AS ENUM ('sad', 'happy')",
                "CREATE TABLE diff_types (" + COLUMNS + ")",
                "CREATE TABLE diff_full (id bigint PRIMARY KEY, name text, qty int4)",
                "ALTER TABLE diff_full REPLICA IDENTITY FULL",
                "CREATE TABLE diff_toast (id bigint PRIMARY KEY, note text, big text)",
                "CREATE TABLE diff_big (id bigint PRIMARY KEY, name text, amount numeric(10,2))",
                "CREATE TABLE diff_warm (id bigint PRIMARY KEY)",
                "CREATE TABLE diff_more (id bigint PRIMARY KEY, iv interval, m money, tsa timestamp[], ua uuid[])");
        MemorySink debezium = new MemorySink();
        MemorySink nativ = new MemorySink();
        List<String> tables = List.of("diff_types", "diff_full", "diff_toast", "diff_big", "diff_warm", "diff_more");
        Map<String, Object> cfg = Map.of("snapshot_mode", "never");
        try (Pipeline pd = pipeline("diff_dbz", debezium, tables, cfg, "debezium");
             Pipeline pn = pipeline("diff_nat", nativ, tables, cfg, "native")) {
            pd.start();
            pn.start();
            // both streams are open once a change made now arrives at both
            long warm = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (count(debezium, "public.diff_warm") == 0 || count(nativ, "public.diff_warm") == 0) {
                assertThat(System.nanoTime()).as("both engines streaming").isLessThan(deadline);
                db.sql("INSERT INTO diff_warm VALUES (" + (++warm) + ")");
                Thread.sleep(500);
            }
            workload();
            db.sql("INSERT INTO diff_warm VALUES (-1)");
            int expectedMin = BIG_TXN_ROWS + 20;
            await().atMost(300, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() ->
                    hasMarker(debezium) && hasMarker(nativ));
            List<ChangeEvent> a = workloadEvents(debezium);
            List<ChangeEvent> b = workloadEvents(nativ);
            compare(a, b);
            assertThat(a.size()).isGreaterThanOrEqualTo(expectedMin);
            // the workload did exercise what it is meant to
            assertThat(b).anyMatch(e -> e.unchangedFields().contains("big"));
            assertThat(b).anyMatch(e -> e.collection().equals("public.diff_full") && e.before() != null && e.before().containsKey("qty"));
            assertThat(b).anyMatch(e -> e.operation() == io.etlcdc.core.event.Operation.TRUNCATE);
        }
    }

    private Pipeline pipeline(String id, MemorySink sink, List<String> tables, Map<String, Object> cfg, String engine) {
        Map<String, Object> extra = new java.util.HashMap<>(cfg);
        extra.put("engine", engine);
        return Pipeline.builder().name(id).source(id, db.source(id, tables, extra)).sink("mem", sink)
                .offsetStore(new MemoryOffsetStore()).stopTimeout(Duration.ofSeconds(30)).build();
    }

    private static long count(MemorySink sink, String collection) {
        return sink.events().stream().filter(e -> e.collection().equals(collection)).count();
    }

    private static boolean hasMarker(MemorySink sink) {
        return sink.events().stream().anyMatch(e -> e.collection().equals("public.diff_warm") && e.key() != null
                && Long.valueOf(-1L).equals(e.key().get("id")));
    }

    private static List<ChangeEvent> workloadEvents(MemorySink sink) {
        return sink.events().stream().filter(e -> e.collection().startsWith("public.diff_") && !e.collection().equals("public.diff_warm"))
                .toList();
    }

    private void workload() throws Exception {
        db.sql("INSERT INTO diff_more VALUES (1, '1 year 2 mons 3 days 04:05:06.78', 12.34, '{\"2024-01-01 00:00:00\"}', "
                        + "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}')",
                "INSERT INTO diff_more VALUES (2, '-1 days +02:00:00', -0.5, '{}', '{}')",
                "INSERT INTO diff_more VALUES (3, '00:00:00', 0, NULL, NULL)",
                "INSERT INTO diff_more VALUES (4, '-3 mons -00:00:01.5', 1000000, NULL, NULL)");
        for (String row : ROWS) {
            db.sql("INSERT INTO diff_types VALUES " + row);
        }
        db.sql("UPDATE diff_types SET t = 'changed', ai = '{7}' WHERE id = 1",
                "UPDATE diff_types SET id = 10 WHERE id = 2", // primary-key change
                "DELETE FROM diff_types WHERE id = 3");
        db.sql("INSERT INTO diff_full VALUES (1, 'one', 1), (2, 'two', 2), (3, NULL, 3)",
                "UPDATE diff_full SET qty = qty + 10",
                "UPDATE diff_full SET id = 20, name = 'moved' WHERE id = 2",
                "DELETE FROM diff_full WHERE id = 1");
        // a value large and random enough to be stored out of line (TOAST)
        db.sql("INSERT INTO diff_toast SELECT 1, 'n', string_agg(md5(g::text), '') FROM generate_series(1, 2000) g",
                "UPDATE diff_toast SET note = 'touched only note' WHERE id = 1",
                "UPDATE diff_toast SET big = 'small now' WHERE id = 1",
                "DELETE FROM diff_toast WHERE id = 1");
        db.transaction("INSERT INTO diff_big SELECT g, 'row ' || g, g / 100.0 FROM generate_series(1, " + BIG_TXN_ROWS + ") g",
                "UPDATE diff_big SET name = 'first' WHERE id = 1",
                "DELETE FROM diff_big WHERE id = 2");
        db.sql("TRUNCATE diff_full", "INSERT INTO diff_full VALUES (5, 'after truncate', 5)");
    }

    /** Fails on the first event that differs, printing both. */
    private static void compare(List<ChangeEvent> expected, List<ChangeEvent> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            String e = describe(expected.get(i));
            String a = describe(actual.get(i));
            if (!e.equals(a)) {
                throw new AssertionError("first difference at event " + i + " of " + expected.size() + "/" + actual.size()
                        + "\n debezium: " + e + "\n native:   " + a);
            }
        }
        if (expected.size() != actual.size()) {
            throw new AssertionError("debezium gave " + expected.size() + " events, native " + actual.size() + "; first extra: "
                    + describe((expected.size() > n ? expected : actual).get(n)));
        }
        for (int i = 0; i < n; i++) {
            compareSchemas(expected.get(i), actual.get(i), i);
        }
    }

    /** Column names, types and source types must match; TRUNCATE events of Debezium carry no key, so keys are compared for row events. */
    private static void compareSchemas(ChangeEvent ev, ChangeEvent av, int i) {
        TableSchema e = ev.schema();
        TableSchema a = av.schema();
        if (e == null || a == null) {
            throw new AssertionError("event " + i + " has no schema: debezium " + e + ", native " + a);
        }
        boolean keys = ev.operation() != io.etlcdc.core.event.Operation.TRUNCATE;
        String es = e.columns().stream().map(c -> c.name() + ":" + c.type() + ":" + c.sourceType()).toList() + (keys ? " pk " + e.primaryKey() : "");
        String as = a.columns().stream().map(c -> c.name() + ":" + c.type() + ":" + c.sourceType()).toList() + (keys ? " pk " + a.primaryKey() : "");
        if (!es.equals(as)) {
            throw new AssertionError("schema differs at event " + i + " (" + describe(ev) + ")\n debezium: " + es + "\n native:   " + as);
        }
    }

    static String describe(ChangeEvent e) {
        return e.collection() + " " + e.operation() + (e.snapshot() ? " snapshot" : "") + " key=" + typed(e.key()) + " before="
                + typed(e.before()) + " after=" + typed(e.after()) + " unchanged=" + new java.util.TreeSet<>(e.unchangedFields());
    }

    private static String typed(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, String> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), typed(x)));
            return out.toString();
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            l.forEach(x -> out.add(typed(x)));
            return "List" + out;
        }
        if (v instanceof byte[] b) {
            return "byte[]:" + HexFormat.of().formatHex(b);
        }
        return v.getClass().getSimpleName() + ":" + v;
    }
}
