package io.etlcdc.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.json.EtlJson;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What the reliability tests check after a fault: a replica table equal to its source row for row,
 * and a JSON-lines file holding every position at most once; plus a small insert/update/delete
 * workload that keeps a source table busy meanwhile.
 */
public final class Replication {
    private Replication() {}

    /** The table's rows by id, each column as comparable text (numbers without trailing zeros, instants in UTC). */
    public static Map<Long, Map<String, String>> table(Connection connection, String table) throws SQLException {
        Map<Long, Map<String, String>> out = new TreeMap<>();
        try (Connection c = connection; Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnName(i), comparable(rs.getObject(i)));
                }
                out.put(rs.getLong("id"), row);
            }
        }
        return out;
    }

    /** Row-for-row difference of two tables: rows missing from the replica, extra in it, and differing. */
    public record Diff(int sourceRows, int replicaRows, int missing, int extra, int differing) {
        public boolean equal() {
            return missing == 0 && extra == 0 && differing == 0;
        }
    }

    public static Diff diff(Map<Long, Map<String, String>> source, Map<Long, Map<String, String>> replica) {
        int missing = 0;
        int differing = 0;
        for (var e : source.entrySet()) {
            Map<String, String> r = replica.get(e.getKey());
            if (r == null) {
                missing++;
            } else if (!r.equals(e.getValue())) {
                differing++;
            }
        }
        int extra = (int) replica.keySet().stream().filter(k -> !source.containsKey(k)).count();
        return new Diff(source.size(), replica.size(), missing, extra, differing);
    }

    public static Diff diff(Callable<Connection> source, Callable<Connection> replica, String table) throws Exception {
        return diff(table(source.call(), table), table(replica.call(), table));
    }

    private static String comparable(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof Timestamp ts) {
            return ts.toInstant().toString();
        }
        if (v instanceof OffsetDateTime odt) {
            return odt.toInstant().toString();
        }
        if (v instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }

    /**
     * Lines and positions written more than once in a JSON-lines file sink (the file and its
     * rotations); dead letters replayed on purpose (position marked {@code replay}) are counted apart.
     */
    public record FileCheck(long lines, long duplicates, long replayed) {}

    public static FileCheck fileSink(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString();
        if (dir == null || !Files.isDirectory(dir)) {
            return new FileCheck(0, 0, 0);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith(name)).sorted().toList();
        }
        Map<String, Integer> positions = new HashMap<>();
        long lines = 0;
        long replayed = 0;
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = EtlJson.mapper().readTree(line);
                lines++;
                if (n.path("position").path("offset").path("replay").asBoolean(false)) {
                    replayed++;
                    continue;
                }
                positions.merge(n.path("source_id").asText() + "@" + n.path("position").path("sort_key"), 1, Integer::sum);
            }
        }
        return new FileCheck(lines, positions.values().stream().mapToLong(c -> c - 1).sum(), replayed);
    }

    /**
     * A continuous workload on {@code accounts (id BIGINT PRIMARY KEY, owner TEXT, balance NUMERIC(12,2), note TEXT)}:
     * 50 % inserts, 35 % updates, 15 % deletes, one statement per transaction, about {@code opsPerSecond}.
     * Errors (a restarted database) are counted and retried, so the workload survives source faults.
     */
    public static final class Workload implements AutoCloseable {
        private final Callable<Connection> connections;
        private final int opsPerSecond;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong ops = new AtomicLong();
        private final AtomicLong errors = new AtomicLong();
        private final Random rnd;
        private final long firstId;
        private Thread thread;

        public Workload(Callable<Connection> connections, long firstId, int opsPerSecond, long seed) {
            this.connections = connections;
            this.firstId = firstId;
            this.opsPerSecond = opsPerSecond;
            this.rnd = new Random(seed);
        }

        /** Creates the table when it does not exist. */
        public static void createTable(Connection c) throws SQLException {
            try (c; Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS accounts (id BIGINT PRIMARY KEY, owner TEXT NOT NULL, "
                        + "balance NUMERIC(12,2) NOT NULL, note TEXT)");
            }
        }

        public Workload start() {
            thread = new Thread(this::run, "reliability-workload");
            thread.setDaemon(true);
            thread.start();
            return this;
        }

        public long ops() {
            return ops.get();
        }

        public long errors() {
            return errors.get();
        }

        /** Stops and waits for the last statement. */
        @Override
        public void close() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join(30_000);
            }
        }

        private void run() {
            List<Long> live = new ArrayList<>();
            long nextId = firstId;
            long pauseNanos = 1_000_000_000L / Math.max(1, opsPerSecond);
            Connection c = null;
            while (running.get()) {
                long started = System.nanoTime();
                try {
                    if (c == null) {
                        c = connections.call();
                    }
                    int dice = rnd.nextInt(100);
                    try (Statement st = c.createStatement()) {
                        if (dice < 50 || live.size() < 10) {
                            long id = nextId++;
                            st.executeUpdate("INSERT INTO accounts (id, owner, balance, note) VALUES (" + id + ", 'owner" + id
                                    + "', " + BigDecimal.valueOf(rnd.nextInt(100_000), 2) + ", 'n" + rnd.nextInt(1000) + "')");
                            live.add(id);
                        } else if (dice < 85) {
                            st.executeUpdate("UPDATE accounts SET balance = balance + " + BigDecimal.valueOf(rnd.nextInt(2_000) - 1_000, 2)
                                    + ", note = 'u" + rnd.nextInt(1000) + "' WHERE id = " + live.get(rnd.nextInt(live.size())));
                        } else {
                            st.executeUpdate("DELETE FROM accounts WHERE id = " + live.remove(rnd.nextInt(live.size())));
                        }
                    }
                    ops.incrementAndGet();
                } catch (Exception e) {
                    // a statement that failed may or may not have committed: both are fine, the comparison reads the source
                    errors.incrementAndGet();
                    try {
                        if (c != null) {
                            c.close();
                        }
                    } catch (SQLException ignored) {
                        // already broken
                    }
                    c = null;
                    sleep(200_000_000L);
                }
                sleep(pauseNanos - (System.nanoTime() - started));
            }
            try {
                if (c != null) {
                    c.close();
                }
            } catch (SQLException ignored) {
                // closing
            }
        }

        private static void sleep(long nanos) {
            if (nanos > 0) {
                try {
                    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
