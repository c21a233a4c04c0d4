package io.etlcdc.server.ha;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.SourceProvider;
import io.etlcdc.server.e2e.ServerProcess;
import io.etlcdc.server.testing.Api;
import io.etlcdc.server.testing.Replication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three {@code etl-server} processes (the shaded jar, as users run it) share one PostgreSQL state
 * database ({@code DATABASE_URL}). A PostgreSQL source streams a continuous insert/update/delete
 * workload to a jdbc sink and a JSON-lines file. The owner of the pipeline is killed with SIGKILL,
 * twice. Checked and printed: the takeover time (owner gone until another replica runs the pipeline),
 * the replica equal to the source row for row, no position twice in the file, and from the commit
 * log ({@code etl_offset_commits}) that the commits of different owners never interleave. Then a
 * fourth replica joins and the owner is stopped gracefully (SIGTERM): it hands over at once.
 */
class ProcessFailoverIT {
    private static final int KILLS = 2;
    private static EmbeddedPostgres postgres;
    private static Path work;
    private static final List<ServerProcess> replicas = new ArrayList<>();
    private static final Map<String, ServerProcess> byId = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ProviderRegistry.load(SourceProvider.class, ProcessFailoverIT.class.getClassLoader()).find("postgresql").isPresent(),
                "no 'postgresql' source provider on the class path (etl-cdc-postgres not built)");
        work = Files.createDirectories(Path.of("target", "failover-" + System.currentTimeMillis()).toAbsolutePath());
        postgres = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "8").setServerConfig("max_wal_senders", "8").start();
        try (Connection c = db("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE state");
            s.execute("CREATE DATABASE warehouse");
        }
        Replication.Workload.createTable(db("postgres"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServerProcess p : replicas) {
            p.kill();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static Connection db(String name) throws Exception {
        return postgres.getDatabase("postgres", name).getConnection();
    }

    private static ServerProcess replica(String id) throws Exception {
        Path dir = Files.createDirectories(work.resolve(id));
        ServerProcess p = ServerProcess.start(dir, Map.of(
                "DATABASE_URL", "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/state",
                "ETL_DATA_DIR", dir.resolve("data").toString(),
                "ETL_REPLICA_ID", id,
                "LOG_LEVEL", "INFO"));
        replicas.add(p);
        byId.put(id, p);
        return p;
    }

    @Test
    void theOwnerKilledTwiceIsReplacedWithin30SecondsAndNothingIsLostOrDuplicated() throws Exception {
        for (String id : List.of("replica-1", "replica-2", "replica-3")) {
            replica(id);
        }
        Api first = new Api(byId.get("replica-1").port(), null);
        Path archive = work.resolve("out/events.jsonl");
        String pg = "postgresql://postgres:postgres@localhost:" + postgres.getPort();
        assertThat(first.post("/api/v1/sinks/connect", "{\"id\":\"wh\",\"type\":\"jdbc\",\"connection_string\":\"" + pg
                + "/warehouse\",\"config\":{\"auto_create\":true}}").status()).isEqualTo(201);
        assertThat(first.post("/api/v1/sinks/connect", "{\"id\":\"archive\",\"type\":\"file\",\"config\":{\"path\":\""
                + archive + "\"}}").status()).isEqualTo(201);
        assertThat(first.post("/api/v1/sources/connect", "{\"id\":\"app\",\"type\":\"postgresql\",\"connection_string\":\"" + pg
                + "/postgres\",\"config\":{\"tables\":[\"accounts\"],\"poll_interval\":0.1}}").status()).isEqualTo(201);
        assertThat(first.post("/api/v1/sources/app/start", "[]").status()).isEqualTo(200);

        List<String> rows = new ArrayList<>();
        double handover = Double.NaN;
        try (Replication.Workload workload = new Replication.Workload(() -> db("postgres"), 1, 150, 20261207L).start()) {
            awaitDelivery(200);
            for (int kill = 1; kill <= KILLS; kill++) {
                JsonNode before = ownerStatus();
                String owner = before.path("owner").asText();
                assertThat(before.path("lease_expires_at").asText()).as("status names the lease expiry: %s", before).isNotBlank();
                assertThat(before.path("fencing_token").asLong()).isPositive();
                ServerProcess victim = byId.remove(owner);
                assertThat(victim).as("owner %s is one of ours", owner).isNotNull();
                long deliveredBefore = warehouseCount();
                long killedAt = System.nanoTime();
                victim.kill();
                replicas.remove(victim);
                JsonNode after = awaitNewOwner(owner);
                double takeover = (System.nanoTime() - killedAt) / 1e9;
                awaitDelivery(deliveredBefore + 50);
                double flowing = (System.nanoTime() - killedAt) / 1e9;
                rows.add(String.format("| %d | %s (token %d) | %s (token %d) | %s | %.1f s | %.1f s |", kill, owner,
                        before.path("fencing_token").asLong(), after.path("owner").asText(), after.path("fencing_token").asLong(),
                        after.path("lease_expires_at").asText(), takeover, flowing));
                assertThat(takeover).as("takeover time after SIGKILL of %s", owner).isLessThan(30);
            }
            // a graceful stop (SIGTERM) hands over at once: the owner stops its pipeline, commits and releases the lease
            replica("replica-4");
            JsonNode before = ownerStatus();
            String owner = before.path("owner").asText();
            ServerProcess leaving = byId.remove(owner);
            long deliveredBefore = warehouseCount();
            long stoppedAt = System.nanoTime();
            leaving.close();
            replicas.remove(leaving);
            JsonNode after = awaitNewOwner(owner);
            handover = (System.nanoTime() - stoppedAt) / 1e9;
            awaitDelivery(deliveredBefore + 50);
            rows.add(String.format("| stop (SIGTERM) | %s (token %d) | %s (token %d) | %s | %.1f s | %.1f s |", owner,
                    before.path("fencing_token").asLong(), after.path("owner").asText(), after.path("fencing_token").asLong(),
                    after.path("lease_expires_at").asText(), handover, (System.nanoTime() - stoppedAt) / 1e9));
            Thread.sleep(2_000);
        }

        // the replica catches up: equal to the source row for row
        Replication.Diff[] diff = new Replication.Diff[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            diff[0] = Replication.diff(() -> db("postgres"), () -> db("warehouse"), "accounts");
            return diff[0].equal();
        });
        Replication.FileCheck file = Replication.fileSink(archive);
        CommitLog log = commitLog();

        System.out.println("FAILOVER (3 etl-server processes, shared DATABASE_URL, SIGKILL of the owner x" + KILLS
                + ", then a 4th replica and SIGTERM of the owner)");
        System.out.println("| kill | old owner | new owner | new lease expires | takeover (lease + pipeline running) | first deliveries after |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.printf("rows compared %d (source) = %d (replica), missing %d, extra %d, differing %d; file lines %d, duplicate positions %d;%n"
                        + "commit log: %d commits, owners in order %s, commits of an older token after a newer one %d, overlapping owner intervals %d%n",
                diff[0].sourceRows(), diff[0].replicaRows(), diff[0].missing(), diff[0].extra(), diff[0].differing(), file.lines(),
                file.duplicates(), log.commits, log.owners, log.outOfOrder, log.overlaps);
        assertThat(diff[0].equal()).isTrue();
        assertThat(file.duplicates()).isZero();
        assertThat(log.outOfOrder).isZero();
        assertThat(log.overlaps).isZero();
        assertThat(log.owners).hasSizeGreaterThanOrEqualTo(KILLS + 2);
        assertThat(handover).as("hand-over after a graceful stop").isLessThan(15);
    }

    /** The status as the owner itself answers it (asked on every live replica until one says it is the owner). */
    private static JsonNode ownerStatus() {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            for (ServerProcess p : byId.values()) {
                JsonNode s = new Api(p.port(), null).get("/api/v1/pipeline/status").json();
                if (s.path("replica").asText().equals(s.path("owner").asText()) && "RUNNING".equals(s.path("state").asText())) {
                    found[0] = s;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Polls every 200 ms until another replica owns the lease and runs the pipeline with its source running. */
    private static JsonNode awaitNewOwner(String dead) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            for (ServerProcess p : byId.values()) {
                JsonNode s = new Api(p.port(), null).get("/api/v1/pipeline/status").json();
                boolean sourceRunning = false;
                for (JsonNode src : s.path("sources")) {
                    sourceRunning |= "RUNNING".equals(src.path("state").asText());
                }
                if (!s.path("owner").asText().equals(dead) && s.path("replica").asText().equals(s.path("owner").asText())
                        && "RUNNING".equals(s.path("state").asText()) && sourceRunning) {
                    found[0] = s;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static void awaitDelivery(long atLeast) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> warehouseCount() >= atLeast);
    }

    /** Rows that reached the replica so far (inserts minus deletes, so a growing workload grows it). */
    private static long warehouseCount() throws Exception {
        try (Connection c = db("warehouse"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private record CommitLog(int commits, List<String> owners, int outOfOrder, int overlaps) {}

    /**
     * Reads {@code etl_offset_commits} in commit order: every token belongs to one replica, tokens only
     * grow, and the time interval of one owner's commits never overlaps the next owner's.
     */
    private static CommitLog commitLog() throws Exception {
        List<String> owners = new ArrayList<>();
        Map<Long, Instant[]> spans = new LinkedHashMap<>();
        Map<Long, String> tokenOwner = new LinkedHashMap<>();
        int commits = 0;
        int outOfOrder = 0;
        long maxToken = 0;
        try (Connection c = db("state"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT token, replica, committed_at FROM etl_offset_commits ORDER BY seq")) {
            while (rs.next()) {
                commits++;
                long token = rs.getLong(1);
                String replica = rs.getString(2);
                Instant at = rs.getTimestamp(3).toInstant();
                if (token < maxToken) {
                    outOfOrder++;
                }
                maxToken = Math.max(maxToken, token);
                String previous = tokenOwner.putIfAbsent(token, replica);
                if (previous != null && !previous.equals(replica)) {
                    outOfOrder++;
                }
                spans.computeIfAbsent(token, t -> {
                    owners.add(replica + "#" + t);
                    return new Instant[]{at, at};
                })[1] = at;
            }
        }
        int overlaps = 0;
        Instant lastEnd = null;
        for (Instant[] span : spans.values()) {
            if (lastEnd != null && span[0].isBefore(lastEnd)) {
                overlaps++;
            }
            lastEnd = span[1];
        }
        return new CommitLog(commits, owners, outOfOrder, overlaps);
    }
}
