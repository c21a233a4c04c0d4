package io.etlcdc.benchmarks.e2e;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the two embedded PostgreSQL 16 servers of the end-to-end benchmark and keeps them up until
 * this process is terminated: the <b>source</b> ({@code wal_level=logical}) and the <b>target</b> of the
 * {@code jdbc} sink (a second database on its own server, so its writes do not pass through the
 * source's WAL). Writes {@code <dir>/databases.properties} once both accept connections:
 * {@code source=postgresql://...} and {@code target=postgresql://...} (embedded servers trust local
 * connections; the password in the strings is ignored).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.etlcdc.benchmarks.e2e.E2eDatabases --dir <work dir>}
 */
public final class E2eDatabases {
    private E2eDatabases() {}

    public static void main(String[] argv) throws Exception {
        Path dir = Path.of(Args.parse(argv).get("dir"));
        Files.createDirectories(dir);
        EmbeddedPostgres source = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg-source"))
                .setCleanDataDirectory(true)
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "32")
                .setServerConfig("max_wal_senders", "32")
                // one checkpoint cycle holds the whole 1M-row backlog: no checkpoint storm in the middle of a run
                .setServerConfig("max_wal_size", "8GB")
                .setServerConfig("checkpoint_timeout", "30min")
                .start();
        EmbeddedPostgres target = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pg-target"))
                .setCleanDataDirectory(true)
                .setServerConfig("max_wal_size", "8GB")
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeQuietly(source);
            closeQuietly(target);
            stopped.countDown();
        }, "e2e-databases-stop"));
        Path tmp = dir.resolve("databases.properties.tmp");
        Files.writeString(tmp, "source=" + url(source.getPort()) + "\n" + "target=" + url(target.getPort()) + "\n");
        Files.move(tmp, dir.resolve("databases.properties"), StandardCopyOption.ATOMIC_MOVE);
        System.err.println("e2e databases up: source port " + source.getPort() + ", target port " + target.getPort());
        stopped.await();
    }

    static String url(int port) {
        return "postgresql://postgres:unused@localhost:" + port + "/postgres";
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            System.err.println("stopping embedded PostgreSQL failed: " + e);
        }
    }
}
