package io.etlcdc.server.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.SourceProvider;
import io.etlcdc.server.e2e.ServerProcess;
import io.etlcdc.server.testing.Api;
import io.etlcdc.server.testing.Replication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fault injection against the server as users run it (a child process, its state in the embedded
 * database under its data directory): a PostgreSQL source under a continuous insert/update/delete
 * workload streams to a jdbc sink on a second PostgreSQL and to a JSON-lines file, and one fault is
 * injected per test. After each, the replica must equal the source row for row and the file must hold
 * no position twice; a table of every fault is printed at the end.
 *
 * <p>Tests tagged {@code fault-full} run only with {@code -Pfaults} (see etl-server's pom and
 * docs/reliability.md); the others are the smoke subset of the normal build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionIT {
    static final String FULL = "fault-full";

    private Path work;
    private EmbeddedPostgres source;
    private EmbeddedPostgres sink;
    private int sourcePort;
    private int sinkPort;
    private boolean available;
    private final List<String> table = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startDatabases() throws Exception {
        available = ProviderRegistry.load(SourceProvider.class, getClass().getClassLoader()).find("postgresql").isPresent();
        if (!available) {
            return;
        }
        work = Files.createDirectories(Path.of("target", "faults-" + System.currentTimeMillis()).toAbsolutePath());
        sourcePort = ServerProcess.freePort();
        sinkPort = ServerProcess.freePort();
        source = startSource();
        sink = startSink();
    }

    @BeforeEach
    void needsThePostgresSource() {
        assumeTrue(available, "no 'postgresql' source provider on the class path (etl-cdc-postgres not built)");
    }

    private EmbeddedPostgres startSource() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(work.resolve("source-pg")).setCleanDataDirectory(false).setPort(sourcePort)
                .setServerConfig("wal_level", "logical").setServerConfig("max_replication_slots", "16")
                .setServerConfig("max_wal_senders", "16").start();
    }

    private EmbeddedPostgres startSink() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(work.resolve("sink-pg")).setCleanDataDirectory(false).setPort(sinkPort).start();
    }

    @AfterAll
    void stopDatabases() throws Exception {
        if (!table.isEmpty()) {
            System.out.println("FAULT INJECTION (etl-server child process, PostgreSQL -> jdbc sink + JSON-lines file, continuous workload)");
            System.out.println("| fault | workload ops | rows compared | lost | duplicated | result |");
            System.out.println("|---|---|---|---|---|---|");
            table.forEach(System.out::println);
        }
        if (sink != null) {
            sink.close();
        }
        if (source != null) {
            source.close();
        }
    }

    Connection sourceDb(String db) throws SQLException {
        return java.sql.DriverManager.getConnection("jdbc:postgresql://localhost:" + sourcePort + "/" + db, "postgres", "");
    }

    Connection sinkDb(String db) throws SQLException {
        return java.sql.DriverManager.getConnection("jdbc:postgresql://localhost:" + sinkPort + "/" + db, "postgres", "");
    }

    static void sql(Connection c, String... statements) throws SQLException {
        try (c; Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    // ---- one scenario: databases, a server, a pipeline, a workload ----------------------------------------------

    /** A pipeline for one fault: its own source and sink database, data directory and server process. */
    final class Scenario implements AutoCloseable {
        final String name;
        final Path dir;
        final Path archive;
        final Map<String, String> env;
        ServerProcess server;
        Api api;
        Replication.Workload workload;
        /** Workload statements of a workload already stopped. */
        long earlierOps;

        Scenario(String name, Map<String, String> extraEnv) throws Exception {
            this.name = name;
            this.dir = Files.createDirectories(work.resolve(name));
            this.archive = dir.resolve("out/events.jsonl");
            sql(sourceDb("postgres"), "CREATE DATABASE " + name);
            sql(sinkDb("postgres"), "CREATE DATABASE " + name);
            Replication.Workload.createTable(sourceDb(name));
            Map<String, String> e = new java.util.HashMap<>(Map.of("ETL_DATA_DIR", dir.resolve("data").toString(), "LOG_LEVEL", "INFO"));
            e.putAll(extraEnv);
            this.env = Map.copyOf(e);
        }

        Scenario startServer() throws Exception {
            server = ServerProcess.startOnTestClasspath(dir, env);
            api = new Api(server.port(), null);
            return this;
        }

        /** Connects the jdbc sink, the file sink (or {@code fileSinkType}) and the source, and starts capture. */
        Scenario connect(String fileSinkType, String fileSinkConfig, String sourceConfig) {
            assertThat(api.post("/api/v1/sinks/connect", "{\"id\":\"wh\",\"type\":\"jdbc\",\"connection_string\":\"postgresql://postgres:postgres@localhost:"
                    + sinkPort + "/" + name + "\",\"config\":{\"auto_create\":true,\"connect_timeout_ms\":2000}}").status()).isEqualTo(201);
            assertThat(api.post("/api/v1/sinks/connect", "{\"id\":\"archive\",\"type\":\"" + fileSinkType + "\",\"config\":{\"path\":\""
                    + archive + "\"" + fileSinkConfig + "}}").status()).isEqualTo(201);
            assertThat(api.post("/api/v1/sources/connect", "{\"id\":\"" + name + "\",\"type\":\"postgresql\",\"connection_string\":"
                    + "\"postgresql://postgres:postgres@localhost:" + sourcePort + "/" + name + "\",\"config\":{\"tables\":[\"accounts\"],"
                    + "\"poll_interval\":0.1" + sourceConfig + "}}").status()).isEqualTo(201);
            assertThat(api.post("/api/v1/sources/" + name + "/start", "[]").status()).isEqualTo(200);
            return this;
        }

        Scenario connect() {
            return connect("file", "", "");
        }

        Scenario workload(int opsPerSecond) {
            workload = new Replication.Workload(() -> sourceDb(name), 1_000_000, opsPerSecond, name.hashCode()).start();
            return this;
        }

        long replicaRows() {
            try (Connection c = sinkDb(name); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException notYet) {
                return 0;
            }
        }

        /** Waits until at least {@code rows} rows reached the replica. */
        void awaitReplicaRows(long rows, Duration within) {
            await().atMost(within).pollInterval(Duration.ofMillis(250)).until(() -> replicaRows() >= rows);
        }

        JsonNode status() {
            return api.get("/api/v1/pipeline/status").json();
        }

        JsonNode sourceStatus() {
            return api.get("/api/v1/sources/" + name).json();
        }

        /**
         * Stops the workload, waits for the replica to equal the source and records the fault's row:
         * lost = rows missing, extra (a lost delete) or different in the replica; duplicated = positions
         * the file holds more than once.
         */
        Replication.Diff finish(String fault, String result) throws Exception {
            long ops = earlierOps;
            if (workload != null) {
                workload.close();
                ops = workload.ops();
            }
            Replication.Diff[] diff = new Replication.Diff[1];
            try {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                    diff[0] = Replication.diff(() -> sourceDb(name), () -> sinkDb(name), "accounts");
                    return diff[0].equal();
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // recorded below, then the assertion fails
            }
            Replication.FileCheck file = Replication.fileSink(archive);
            Replication.Diff d = diff[0];
            long lost = d == null ? -1 : d.missing() + d.extra() + d.differing();
            table.add(String.format("| %s | %d | %d | %d | %d | %s |", fault, ops, d == null ? 0 : d.sourceRows(), lost, file.duplicates(), result));
            System.out.printf("FAULT %s: ops %d, rows compared %s, lost %d, duplicated %d (file lines %d); %s%n", fault, ops,
                    d == null ? "?" : d.sourceRows(), lost, file.duplicates(), file.lines(), result);
            assertThat(d).as("replica compared").isNotNull();
            assertThat(d.equal()).as("replica equals source after %s: %s", fault, d).isTrue();
            assertThat(file.duplicates()).as("duplicate positions in the file after %s", fault).isZero();
            return d;
        }

        @Override
        public void close() throws Exception {
            if (workload != null) {
                workload.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    // ---- the faults --------------------------------------------------------------------------------------------

    /** Disk full simulated: a trigger on the replica's table raises SQLSTATE 53100 for 30 s. */
    @Test
    @Order(1)
    void sinkRefusingWritesFor30SecondsHoldsTheSourceBackAndLosesNothing() throws Exception {
        try (Scenario s = new Scenario("sinkfull", Map.of("BUFFER_SIZE", "2000")).startServer().connect().workload(100)) {
            s.awaitReplicaRows(100, Duration.ofSeconds(120));
            sql(sinkDb(s.name),
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            + "RAISE EXCEPTION 'could not extend file: No space left on device (simulated)' USING ERRCODE = 'disk_full'; END $$",
                    "CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION refuse()");
            long refusedAt = System.nanoTime();
            long rowsAtRefusal = s.replicaRows();
            int maxBuffer = 0;
            int capacity = 0;
            String sinkHealth = "";
            while (System.nanoTime() - refusedAt < 30_000_000_000L) {
                JsonNode st = s.status();
                maxBuffer = Math.max(maxBuffer, st.path("buffer").path("used").asInt());
                capacity = st.path("buffer").path("capacity").asInt();
                for (JsonNode sk : st.path("sinks")) {
                    if ("wh".equals(sk.path("id").asText()) && !sk.path("health").path("message").isMissingNode()) {
                        sinkHealth = sk.path("health").path("status").asText() + " " + sk.path("health").path("message").asText();
                    }
                }
                assertThat(st.path("state").asText()).as("pipeline keeps running while the sink refuses").isEqualTo("RUNNING");
                Thread.sleep(500);
            }
            long rowsWhileRefused = s.replicaRows();
            sql(sinkDb(s.name), "DROP TRIGGER refuse ON accounts");
            long releasedAt = System.nanoTime();
            s.awaitReplicaRows(rowsWhileRefused + 20, Duration.ofSeconds(90));
            double recovery = (System.nanoTime() - releasedAt) / 1e9;
            System.out.printf("sink refusing writes: buffer max %d of %d, replica rows %d -> %d during the 30 s, sink health while refused: %s%n",
                    maxBuffer, capacity, rowsAtRefusal, rowsWhileRefused, sinkHealth);
            assertThat(rowsWhileRefused).isEqualTo(rowsAtRefusal);
            assertThat(maxBuffer).isLessThanOrEqualTo(capacity);
            s.finish("sink DB refuses writes 30 s (trigger, SQLSTATE 53100)", String.format(
                    "pipeline RUNNING throughout, buffer max %d/%d, deliveries resumed %.1f s after the trigger was dropped", maxBuffer, capacity, recovery));
        }
    }

    /** The embedded state database (where the offsets live) truncated: the server refuses to start, naming the file. */
    @Test
    @Order(2)
    void aCorruptedOffsetStoreIsRefusedNamingTheFileAndABackupResumes() throws Exception {
        try (Scenario s = new Scenario("corrupt", Map.of()).startServer().connect().workload(100)) {
            s.awaitReplicaRows(100, Duration.ofSeconds(120));
            s.server.close();
            Path state = s.dir.resolve("data/state/etl.mv.db");
            assertThat(state).exists();
            Path backup = s.dir.resolve("etl.mv.db.backup");
            Files.copy(state, backup, StandardCopyOption.REPLACE_EXISTING);
            List<String> refusals = new ArrayList<>();
            // truncated to its first 4 KiB, then the middle overwritten with garbage
            try (RandomAccessFile f = new RandomAccessFile(state.toFile(), "rw")) {
                f.setLength(4096);
            }
            refusals.add(startRefused(s, state, "truncated"));
            Files.copy(backup, state, StandardCopyOption.REPLACE_EXISTING);
            try (RandomAccessFile f = new RandomAccessFile(state.toFile(), "rw")) {
                byte[] garbage = new byte[(int) Math.min(64 * 1024, f.length() / 2)];
                new java.util.Random(7).nextBytes(garbage);
                f.seek(f.length() / 4);
                f.write(garbage);
            }
            refusals.add(startRefused(s, state, "overwritten"));
            // the remedy the message names: restore the file; capture resumes from the committed position
            Files.copy(backup, state, StandardCopyOption.REPLACE_EXISTING);
            s.startServer();
            s.finish("state/offset store (data/state/etl.mv.db) truncated; then overwritten", String.join("; ", refusals)
                    + "; restored from backup: resumed, nothing lost");
        }
    }

    /** Starts the server on a damaged state file: it must exit with an error naming the file. */
    private String startRefused(Scenario s, Path state, String how) throws Exception {
        try {
            s.startServer();
        } catch (IllegalStateException refused) {
            String message = refused.getMessage();
            assertThat(message).as("the error names the file").contains(state.toString().replace(".mv.db", ""));
            String line = message.lines().filter(l -> l.startsWith("etl-server: cannot start")).findFirst().orElse(message.lines().findFirst().orElse(""));
            System.out.println("state file " + how + ": " + line);
            String shown = line.replace(s.dir + "/", "");
            return how + ": refused to start (\"" + (shown.length() > 170 ? shown.substring(0, 170) + "..." : shown) + "\")";
        }
        boolean healthy = s.server.isAlive();
        s.server.kill();
        throw new AssertionError("the server started on a " + how + " state file (alive: " + healthy + ")");
    }

    /** The source database stopped for 5 s and started again under load. */
    @Test
    @Order(3)
    void theSourceDatabaseRestartedMidStreamLosesNothing() throws Exception {
        try (Scenario s = new Scenario("srcrestart", Map.of()).startServer().connect().workload(100)) {
            s.awaitReplicaRows(100, Duration.ofSeconds(120));
            source.close();
            Thread.sleep(5_000);
            source = startSource();
            long restartedAt = System.nanoTime();
            long rows = s.replicaRows();
            s.awaitReplicaRows(rows + 50, Duration.ofSeconds(120));
            double resumed = (System.nanoTime() - restartedAt) / 1e9;
            s.finish("source DB restarted (down 5 s)", String.format("source reconnected, deliveries resumed %.1f s after the restart, "
                    + "workload statements refused while down: %d", resumed, s.workload.errors()));
        }
    }

    /** The replication slot dropped behind the product's back: a source error naming the re-snapshot remedy, never a silent skip. */
    @Test
    @Order(4)
    void aDroppedReplicationSlotIsReportedWithTheResnapshotRemedy() throws Exception {
        try (Scenario s = new Scenario("slotdrop", Map.of()).startServer().connect().workload(100)) {
            s.awaitReplicaRows(100, Duration.ofSeconds(120));
            String slot = "etl_" + s.name;
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                sql(sourceDb(s.name), "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active_pid IS NOT NULL",
                        "SELECT pg_drop_replication_slot('" + slot + "')");
                return true;
            });
            JsonNode[] failed = new JsonNode[1];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                failed[0] = s.sourceStatus();
                return "FAILED".equals(failed[0].path("state").asText());
            });
            String error = failed[0].path("error").asText();
            System.out.println("slot dropped: source " + failed[0].path("state").asText() + ": " + error);
            assertThat(error).containsIgnoringCase("slot").containsIgnoringCase("snapshot");
            // what the failed source had not delivered: a snapshot re-reads rows, but cannot see the deletes in the gap,
            // so the full remedy truncates the replica's table and re-snapshots (source reconnected with snapshot_mode when_needed)
            s.workload.close();
            s.earlierOps = s.workload.ops();
            s.workload = null;
            Replication.Diff gap = Replication.diff(() -> sourceDb(s.name), () -> sinkDb(s.name), "accounts");
            sql(sinkDb(s.name), "TRUNCATE accounts");
            assertThat(s.api.delete("/api/v1/sources/" + s.name).status()).isEqualTo(200);
            assertThat(s.api.post("/api/v1/sources/connect", "{\"id\":\"" + s.name + "\",\"type\":\"postgresql\",\"connection_string\":"
                    + "\"postgresql://postgres:postgres@localhost:" + sourcePort + "/" + s.name + "\",\"config\":{\"tables\":[\"accounts\"],"
                    + "\"poll_interval\":0.1,\"snapshot_mode\":\"when_needed\"}}").status()).isEqualTo(201);
            assertThat(s.api.post("/api/v1/sources/" + s.name + "/start", "[]").status()).isEqualTo(200);
            String shortError = error.length() > 120 ? error.substring(0, 120) + "..." : error;
            s.finish("replication slot dropped behind the product's back", "source FAILED: \"" + shortError + "\"; replica then "
                    + gap.missing() + " rows short, " + gap.extra() + " deleted rows still present, " + gap.differing()
                    + " stale; after TRUNCATE + reconnect with snapshot_mode when_needed: equal");
        }
    }

    /** The sink database stopped for 5 s and started again under load. */
    @Test
    @Order(5)
    @Tag(FULL)
    void theSinkDatabaseRestartedMidStreamLosesNothing() throws Exception {
        try (Scenario s = new Scenario("sinkrestart", Map.of()).startServer().connect().workload(100)) {
            s.awaitReplicaRows(100, Duration.ofSeconds(120));
            sink.close();
            Thread.sleep(5_000);
            sink = startSink();
            long restartedAt = System.nanoTime();
            long rows = s.replicaRows();
            s.awaitReplicaRows(rows + 50, Duration.ofSeconds(120));
            s.finish("sink DB restarted (down 5 s)", String.format("deliveries resumed %.1f s after the restart",
                    (System.nanoTime() - restartedAt) / 1e9));
        }
    }

    /** SIGKILL in the middle of the initial snapshot of a 100 000-row table; the restarted server redoes it. */
    @Test
    @Order(6)
    @Tag(FULL)
    void killedDuringTheSnapshotTheRestartFinishesIt() throws Exception {
        try (Scenario s = new Scenario("killsnap", Map.of())) {
            sql(sourceDb(s.name), "INSERT INTO accounts (id, owner, balance, note) SELECT g, 'owner' || g, g % 1000, repeat('x', 100) "
                    + "FROM generate_series(1, 100000) g");
            s.startServer().connect();
            s.awaitReplicaRows(10_000, Duration.ofSeconds(180));
            long atKill = s.replicaRows();
            s.server.kill();
            s.startServer();
            s.workload(100);
            s.awaitReplicaRows(100_000, Duration.ofSeconds(300));
            Thread.sleep(3_000);
            s.finish("SIGKILL during the initial snapshot (100 000 rows)", "killed with " + atKill
                    + " rows copied; the restart re-read the table and streamed on");
        }
    }

    /** SIGKILL right after an ALTER TABLE on a captured table, with changes in the new column. */
    @Test
    @Order(7)
    @Tag(FULL)
    void killedDuringASchemaChangeTheRestartAppliesIt() throws Exception {
        try (Scenario s = new Scenario("killddl", Map.of()).startServer().connect().workload(100)) {
            s.awaitReplicaRows(100, Duration.ofSeconds(120));
            sql(sourceDb(s.name), "ALTER TABLE accounts ADD COLUMN extra TEXT",
                    "UPDATE accounts SET extra = 'e' || id WHERE id % 3 = 0");
            Thread.sleep(300);
            s.server.kill();
            s.startServer();
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
                try (Connection c = sinkDb(s.name); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*) FROM accounts WHERE extra IS NOT NULL")) {
                    rs.next();
                    return rs.getLong(1) > 0;
                }
            });
            s.finish("SIGKILL right after ALTER TABLE ADD COLUMN + UPDATE of it", "restarted server evolved the replica and applied the changes");
        }
    }

    /**
     * Rows the replica refuses (a CHECK constraint) go to the dead-letter file; after the fix a replay
     * is killed half-way with SIGKILL; the restarted server replays them all.
     */
    @Test
    @Order(8)
    @Tag(FULL)
    void killedDuringADeadLetterReplayTheReplayIsRedoneAfterTheRestart() throws Exception {
        try (Scenario s = new Scenario("killdlq", Map.of()).startServer().connect().workload(100)) {
            s.awaitReplicaRows(100, Duration.ofSeconds(120));
            s.workload.close();
            s.earlierOps = s.workload.ops();
            s.workload = null;
            sql(sinkDb(s.name), "ALTER TABLE accounts ADD CONSTRAINT no_dlq CHECK (owner NOT LIKE 'dlq%') NOT VALID");
            int refusedRows = 300;
            sql(sourceDb(s.name), "INSERT INTO accounts (id, owner, balance, note) SELECT g, 'dlq' || g, 1, 'refused' "
                    + "FROM generate_series(1, " + refusedRows + ") g");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> s.api.get("/api/v1/dead-letters?limit=1000").json().path("count").asInt() >= refusedRows);
            // the fix, and a replica slow enough (20 ms a row) that the replay can be killed half-way
            sql(sinkDb(s.name), "ALTER TABLE accounts DROP CONSTRAINT no_dlq",
                    "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.02); RETURN NEW; END $$",
                    "CREATE TRIGGER slow BEFORE INSERT OR UPDATE ON accounts FOR EACH ROW WHEN (NEW.owner LIKE 'dlq%') EXECUTE FUNCTION slow()");
            Thread replay = new Thread(() -> {
                try {
                    s.api.post("/api/v1/dead-letters/replay", "{\"limit\":1000}");
                } catch (RuntimeException killed) {
                    // the server dies under the request
                }
            });
            replay.start();
            // the replay's batch is being written (one transaction, 20 ms a row): kill the server in the middle of it
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
                try (Connection c = sinkDb(s.name); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + s.name + "' AND wait_event = 'PgSleep'")) {
                    rs.next();
                    return rs.getLong(1) > 0;
                }
            });
            Thread.sleep(1_500);
            s.server.kill();
            long atKill = dlqRows(s);
            replay.join(10_000);
            s.startServer();
            await().atMost(Duration.ofSeconds(60)).until(() -> s.api.get("/api/v1/pipeline/status").json().path("state").asText().equals("RUNNING"));
            JsonNode again = s.api.post("/api/v1/dead-letters/replay", "{\"limit\":1000}").json();
            Replication.FileCheck file = Replication.fileSink(s.archive);
            s.finish("SIGKILL during a dead-letter replay (" + refusedRows + " refused rows)", "killed with " + atKill + " of " + refusedRows
                    + " replayed; after the restart the replay delivered " + again.path("delivered").asInt() + " (upserts), "
                    + file.replayed() + " replayed lines in the file marked as replays");
            assertThat(dlqRows(s)).isEqualTo(refusedRows);
        }
    }

    private long dlqRows(Scenario s) {
        try (Connection c = sinkDb(s.name); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM accounts WHERE owner LIKE 'dlq%'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0;
        }
    }

    /** A sink taking 1 s per batch while a 200 000-event backlog drains: memory stays bounded. */
    @Test
    @Order(9)
    @Tag(FULL)
    void aSlowSinkDrainsALargeBacklogWithinTheBufferBound() throws Exception {
        int backlog = 200_000;
        try (Scenario s = new Scenario("slowsink", Map.of("BUFFER_SIZE", "5000"))) {
            s.startServer().connect("test-slow-file", ",\"delay_ms\":1000", "");
            s.awaitReplicaRows(0, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(60)).until(() -> "RUNNING".equals(s.sourceStatus().path("state").asText()));
            sql(sourceDb(s.name), "INSERT INTO accounts (id, owner, balance, note) SELECT g, 'owner' || g, g % 1000, repeat('y', 200) "
                    + "FROM generate_series(1, " + backlog + ") g");
            long started = System.nanoTime();
            AtomicLong maxHeap = new AtomicLong();
            int maxBuffer = 0;
            int capacity = 0;
            long heapSamples = 0;
            while (s.replicaRows() < backlog && System.nanoTime() - started < 900_000_000_000L) {
                JsonNode st = s.status();
                maxBuffer = Math.max(maxBuffer, st.path("buffer").path("used").asInt());
                capacity = st.path("buffer").path("capacity").asInt();
                JsonNode mem = s.api.get("/health").json().path("components").path("memory").path("details");
                maxHeap.accumulateAndGet(mem.path("used_bytes").asLong(), Math::max);
                heapSamples++;
                Thread.sleep(1_000);
            }
            double drained = (System.nanoTime() - started) / 1e9;
            String result = String.format("%d-event backlog drained in %.0f s at 1 s per batch; buffer max %d of %d; heap used max %d MiB "
                    + "of -Xmx512m (%d samples)", backlog, drained, maxBuffer, capacity, maxHeap.get() >> 20, heapSamples);
            System.out.println("slow sink: " + result);
            assertThat(maxBuffer).isLessThanOrEqualTo(capacity);
            assertThat(s.server.isAlive()).isTrue();
            s.finish("slow sink (1 s per batch), " + backlog + "-event backlog", result);
        }
    }
}
