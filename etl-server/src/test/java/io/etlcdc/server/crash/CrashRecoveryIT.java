package io.etlcdc.server.crash;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.SourceProvider;
import io.etlcdc.server.testing.Replication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Exactly-once in effect, end to end: a continuous insert/update/delete workload on an embedded
 * PostgreSQL is replicated by a pipeline running in a child JVM ({@link CrashPipelineMain}) to a
 * second PostgreSQL through the jdbc sink and to a JSON-lines file. The child is killed with SIGKILL
 * at random moments and restarted; then the sink database is stopped and restarted mid-stream. Each
 * time, the replica must end equal to the source row for row (TOASTed values included), and the file
 * must hold no position twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {
    private static final List<String> TABLES = List.of("accounts", "orders");
    private static final int KILLS = 5;

    private final Random random = new Random(20261125L);
    private Path work;
    private EmbeddedPostgres source;
    private EmbeddedPostgres sink;
    private Path sinkDataDir;
    private int sinkPort;
    private Process child;
    private int starts;
    /** The source engine the child runs, and the data directory it keeps (one per engine). */
    private String engine = "debezium";
    private String pipelineDir = "pipeline";

    private boolean sourceAvailable;

    @BeforeAll
    void startDatabases() throws Exception {
        sourceAvailable = ProviderRegistry.load(SourceProvider.class, getClass().getClassLoader()).find("postgresql").isPresent();
        if (!sourceAvailable) {
            return;
        }
        work = Files.createDirectories(Path.of("target", "crash-test-" + System.currentTimeMillis()).toAbsolutePath());
        source = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .start();
        sinkDataDir = work.resolve("sink-pg");
        try (ServerSocket s = new ServerSocket(0)) {
            sinkPort = s.getLocalPort();
        }
        sink = startSink();
        try (Connection c = sourceConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT NOT NULL, balance NUMERIC(12,2) NOT NULL,"
                    + " note TEXT, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())");
            st.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL, amount NUMERIC(10,2) NOT NULL,"
                    + " status TEXT NOT NULL)");
            // rows present before the first start arrive through the initial snapshot
            for (int i = 1; i <= 50; i++) {
                st.execute("INSERT INTO accounts (id, owner, balance, note) VALUES (" + i + ", 'owner" + i + "', 100.00, 'n" + i + "')");
            }
        }
    }

    @BeforeEach
    void needsThePostgresSource() {
        assumeTrue(sourceAvailable, "no 'postgresql' source provider on the class path (etl-cdc-postgres not built)");
    }

    private EmbeddedPostgres startSink() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(sinkDataDir).setCleanDataDirectory(false).setPort(sinkPort).start();
    }

    @AfterAll
    void stopAll() throws Exception {
        stopChild();
        if (sink != null) {
            sink.close();
        }
        if (source != null) {
            source.close();
        }
    }

    private Connection sourceConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + source.getPort() + "/postgres", "postgres", "");
    }

    private Connection sinkConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + sinkPort + "/postgres", "postgres", "");
    }

    // ---- the scenarios ------------------------------------------------------------------------

    @Test
    @Order(1)
    void killedWithSigkillAtRandomMomentsTheReplicaEndsEqualAndNoPositionRepeats() throws Exception {
        sigkillLoop("SIGKILL", 1_000);
    }

    @Test
    @Order(3)
    void theNativeEngineKilledWithSigkillAtRandomMomentsEndsEqualAndNoPositionRepeats() throws Exception {
        // a source of its own (pg_native, own slot, own data directory): a fresh exported-snapshot read of both
        // tables, then streaming, under the same kill loop
        engine = "native";
        pipelineDir = "pipeline-native";
        // the replica starts empty: a new source knows nothing of changes made before its slot existed (the
        // workload starts before the child), so the whole replica must come from this engine's snapshot and stream
        try (Connection c = sinkConnection(); Statement st = c.createStatement()) {
            st.execute("TRUNCATE " + String.join(", ", TABLES));
        }
        sigkillLoop("SIGKILL, engine native", 2_000_000);
    }

    private void sigkillLoop(String label, long firstId) throws Exception {
        Workload workload = new Workload(firstId);
        workload.start();
        int kills = 0;
        try {
            startChild();
            for (int i = 0; i < KILLS; i++) {
                awaitProgress();
                Thread.sleep(random.nextInt(3_000));
                kill();
                kills++;
                startChild();
            }
            awaitProgress();
        } finally {
            workload.stop();
        }
        Result r = awaitReplicaEqual();
        stopChild();
        System.out.printf("CRASH TEST (" + label + "): workload ops=%d, kills=%d, events written to file=%d, rows compared=%d, "
                + "duplicates found=%d%n", workload.ops.get(), kills, r.eventsWritten, r.rowsCompared, r.duplicates);
        assertThat(kills).isEqualTo(KILLS);
        assertThat(r.duplicates).isZero();
        assertThat(r.rowsCompared).isGreaterThan(50);
    }

    @Test
    @Order(2)
    void theSinkDatabaseRestartedMidStreamHoldsThePipelineAndLosesNothing() throws Exception {
        Workload workload = new Workload(1_000_000);
        workload.start();
        try {
            startChild();
            awaitProgress();
            sink.close();
            sink = null;
            Thread.sleep(5_000);
            sink = startSink();
            awaitProgress();
            Thread.sleep(2_000);
        } finally {
            workload.stop();
        }
        Result r = awaitReplicaEqual();
        stopChild();
        System.out.printf("CRASH TEST (sink database restart): workload ops=%d, sink restarts=1, events written to file=%d, "
                + "rows compared=%d, duplicates found=%d%n", workload.ops.get(), r.eventsWritten, r.rowsCompared, r.duplicates);
        assertThat(r.duplicates).isZero();
    }

    // ---- the child process --------------------------------------------------------------------

    private void startChild() throws IOException {
        starts++;
        Path log = work.resolve("child-" + starts + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), CrashPipelineMain.class.getName(),
                "postgresql://postgres:postgres@localhost:" + source.getPort() + "/postgres",
                "postgresql://postgres:postgres@localhost:" + sinkPort + "/postgres",
                work.resolve(pipelineDir).toString(), String.join(",", TABLES), engine);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        child = pb.start();
    }

    /** Waits until the running child committed something new (or the workload's changes arrived). */
    private void awaitProgress() throws IOException {
        long before = fileLines();
        Path log = work.resolve("child-" + starts + ".log");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(child.isAlive()).as("child process alive; see %s", log).isTrue();
            return fileLines() > before && Files.readString(log).contains("COMMITTED");
        });
    }

    private void kill() throws Exception {
        Process k = new ProcessBuilder("kill", "-KILL", String.valueOf(child.pid())).start();
        if (k.waitFor() != 0) {
            child.destroyForcibly();
        }
        child.waitFor();
        assertThat(child.exitValue()).isEqualTo(137);
    }

    private void stopChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    // ---- checking -----------------------------------------------------------------------------

    private record Result(long eventsWritten, long rowsCompared, long duplicates) {}

    private Result awaitReplicaEqual() throws Exception {
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> TABLES.stream().allMatch(t -> {
                        try {
                            return Replication.table(sourceConnection(), t).equals(Replication.table(sinkConnection(), t));
                        } catch (SQLException e) {
                            return false;
                        }
                    }));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder diff = new StringBuilder("the replica did not become equal to the source in 180 s:");
            for (String t : TABLES) {
                Map<Long, Map<String, String>> src = Replication.table(sourceConnection(), t);
                Map<Long, Map<String, String>> dst = Replication.table(sinkConnection(), t);
                int shown = 0;
                for (Long id : new java.util.TreeSet<>(java.util.stream.Stream.concat(src.keySet().stream(), dst.keySet().stream()).toList())) {
                    Map<String, String> a = src.get(id);
                    Map<String, String> b = dst.get(id);
                    if (!java.util.Objects.equals(a, b) && shown++ < 5) {
                        diff.append(String.format("%n  %s id=%d source=%s replica=%s", t, id, abbreviate(a), abbreviate(b)));
                    }
                }
                diff.append(String.format("%n  %s: %s", t, Replication.diff(src, dst)));
            }
            throw new AssertionError(diff.toString(), e);
        }
        long rows = 0;
        for (String t : TABLES) {
            Map<Long, Map<String, String>> src = Replication.table(sourceConnection(), t);
            assertThat(Replication.table(sinkConnection(), t)).as("replica of %s", t).isEqualTo(src);
            rows += src.size();
        }
        Map<String, Integer> positions = new HashMap<>();
        long lines = 0;
        for (Path f : fileSinkFiles()) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                JsonNode n = EtlJson.mapper().readTree(line);
                positions.merge(n.path("source_id").asText() + "@" + n.path("position").path("sort_key"), 1, Integer::sum);
                lines++;
            }
        }
        long duplicates = positions.values().stream().mapToLong(c -> c - 1).sum();
        return new Result(lines, rows, duplicates);
    }

    private static String abbreviate(Map<String, String> row) {
        if (row == null) {
            return "(none)";
        }
        Map<String, String> out = new TreeMap<>();
        row.forEach((k, v) -> out.put(k, v == null ? null : v.length() > 40 ? v.substring(0, 20) + "...(" + v.length() + ")" : v));
        return out.toString();
    }

    private List<Path> fileSinkFiles() throws IOException {
        Path dir = work.resolve(pipelineDir).resolve("out");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("events.jsonl")).sorted().toList();
        }
    }

    /** Lines in the sink's files; the running child may rotate a file between listing and reading: list again then. */
    private long fileLines() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                long n = 0;
                for (Path f : fileSinkFiles()) {
                    try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                        n += lines.count();
                    }
                }
                return n;
            } catch (java.nio.file.NoSuchFileException rotated) {
                if (attempt == 10) {
                    throw rotated;
                }
            }
        }
    }

    // ---- the workload -------------------------------------------------------------------------

    /** Inserts, updates (some touching a TOASTed column, most not) and deletes, until stopped. */
    private final class Workload {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong ops = new AtomicLong();
        private final long firstId;
        private final Random rnd = new Random(firstIdSeed());
        private Thread thread;
        private volatile Throwable failure;

        Workload(long firstId) {
            this.firstId = firstId;
        }

        private long firstIdSeed() {
            return random.nextLong();
        }

        void start() {
            thread = new Thread(this::run, "crash-workload");
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
            assertThat(failure).as("workload failure").isNull();
        }

        private void run() {
            List<Long> live = new ArrayList<>();
            long nextId = firstId;
            long nextOrder = firstId;
            try (Connection c = sourceConnection()) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM accounts")) {
                    while (rs.next()) {
                        live.add(rs.getLong(1));
                    }
                }
                PreparedStatement insert = c.prepareStatement("INSERT INTO accounts (id, owner, balance, note) VALUES (?, ?, ?, ?)");
                PreparedStatement update = c.prepareStatement("UPDATE accounts SET balance = balance + ?, updated_at = now() WHERE id = ?");
                PreparedStatement updateNote = c.prepareStatement("UPDATE accounts SET note = ? WHERE id = ?");
                PreparedStatement delete = c.prepareStatement("DELETE FROM accounts WHERE id = ?");
                PreparedStatement order = c.prepareStatement("INSERT INTO orders (id, account_id, amount, status) VALUES (?, ?, ?, 'new')");
                PreparedStatement ship = c.prepareStatement("UPDATE orders SET status = 'shipped' WHERE id = ?");
                while (running.get()) {
                    int dice = rnd.nextInt(100);
                    if (dice < 35 || live.size() < 10) {
                        insert.setLong(1, nextId);
                        insert.setString(2, "owner" + nextId);
                        insert.setBigDecimal(3, BigDecimal.valueOf(rnd.nextInt(100_000), 2));
                        // half the notes are big enough to be TOASTed (random text does not compress)
                        insert.setString(4, rnd.nextBoolean() ? randomText(4_000) : "short " + nextId);
                        insert.executeUpdate();
                        live.add(nextId++);
                    } else if (dice < 75) {
                        update.setBigDecimal(1, BigDecimal.valueOf(rnd.nextInt(2_000) - 1_000, 2));
                        update.setLong(2, live.get(rnd.nextInt(live.size())));
                        update.executeUpdate();
                    } else if (dice < 80) {
                        updateNote.setString(1, randomText(3_000));
                        updateNote.setLong(2, live.get(rnd.nextInt(live.size())));
                        updateNote.executeUpdate();
                    } else if (dice < 90) {
                        // a two-statement transaction: an order and the account it debits
                        c.setAutoCommit(false);
                        long account = live.get(rnd.nextInt(live.size()));
                        order.setLong(1, nextOrder);
                        order.setLong(2, account);
                        order.setBigDecimal(3, BigDecimal.valueOf(rnd.nextInt(10_000), 2));
                        order.executeUpdate();
                        update.setBigDecimal(1, BigDecimal.valueOf(-rnd.nextInt(500), 2));
                        update.setLong(2, account);
                        update.executeUpdate();
                        c.commit();
                        c.setAutoCommit(true);
                        if (nextOrder > firstId && rnd.nextBoolean()) {
                            ship.setLong(1, firstId + rnd.nextInt((int) (nextOrder - firstId)));
                            ship.executeUpdate();
                        }
                        nextOrder++;
                    } else {
                        long id = live.remove(rnd.nextInt(live.size()));
                        delete.setLong(1, id);
                        delete.executeUpdate();
                    }
                    ops.incrementAndGet();
                    Thread.sleep(4);
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private String randomText(int length) {
            StringBuilder sb = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                sb.append((char) ('a' + rnd.nextInt(26)));
            }
            return sb.toString();
        }
    }
}
