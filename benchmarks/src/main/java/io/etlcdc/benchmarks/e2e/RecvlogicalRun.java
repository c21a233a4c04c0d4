package io.etlcdc.benchmarks.e2e;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's own {@code pg_recvlogical} reading a slot's backlog ({@code pgoutput}, protocol 1, the
 * slot's publication) into a file, up to the WAL position current at start ({@code --endpos}): what the
 * database delivers with no decoding on the client. Figures {@code <prefix>_events} (the backlog's
 * {@code --events}), {@code _s} (process start to exit) and {@code _events_per_s}; or
 * {@code <prefix>=unavailable} when no {@code pg_recvlogical} is found ({@code $PG_RECVLOGICAL}, then
 * the {@code PATH}). The embedded PostgreSQL binaries bring none; a client package of any version ≥ 14 does.
 */
public final class RecvlogicalRun {
    private RecvlogicalRun() {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        String slot = args.get("slot");
        long events = args.getLong("events", 200_000);
        String prefix = args.get("figure-prefix", "pg_recvlogical");
        Path work = Path.of(args.get("work"));
        Files.createDirectories(work);
        String binary = find();
        if (binary == null) {
            Figures.print(prefix, "unavailable");
            System.exit(0);
        }
        String endpos;
        try (Connection c = Jdbc.open(args.get("source")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            endpos = rs.getString(1);
        }
        URI uri = URI.create(args.get("source"));
        String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":", 2)[0];
        Path out = work.resolve(slot + ".pgoutput");
        List<String> cmd = new ArrayList<>(List.of(binary, "-h", uri.getHost(), "-p", Integer.toString(uri.getPort()), "-U", user,
                "-d", uri.getPath().substring(1), "--slot", slot, "--start", "--no-loop", "--endpos", endpos,
                "-o", "proto_version=1", "-o", "publication_names=" + slot + "_pub", "-f", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(slot + ".log").toFile());
        if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
            pb.environment().put("PGPASSWORD", uri.getUserInfo().split(":", 2)[1]);
        }
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("pg_recvlogical did not reach " + endpos + " in 600 s");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (p.exitValue() != 0) {
            throw new IllegalStateException("pg_recvlogical exited with " + p.exitValue() + ": " + Files.readString(work.resolve(slot + ".log")));
        }
        Figures.print(prefix + "_events", events);
        Figures.print(prefix + "_output_mb", Files.size(out) / 1048576.0);
        Figures.print(prefix + "_s", seconds);
        Figures.print(prefix + "_events_per_s", events / seconds);
        Files.deleteIfExists(out);
        System.exit(0);
    }

    private static String find() {
        String env = System.getenv("PG_RECVLOGICAL");
        if (env != null && new File(env).canExecute()) {
            return env;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "pg_recvlogical");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
