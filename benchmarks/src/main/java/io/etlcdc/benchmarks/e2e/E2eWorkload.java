package io.etlcdc.benchmarks.e2e;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * Prepares the source database of the end-to-end benchmark.
 *
 * <ul>
 *   <li>{@code prepare --source <conn>}: creates {@code public.bench_rows}, the table every run captures.</li>
 *   <li>{@code backlog --source <conn> --rows N --first-id K --slots a,b,c}: creates, for each name, a
 *   publication {@code <name>_pub} for {@code bench_rows} and a logical replication slot {@code <name>}
 *   ({@code pgoutput}), <i>then</i> inserts N rows in transactions of 10,000. Every slot therefore holds
 *   the very same N changes in its backlog, which each run later streams from its own slot.</li>
 *   <li>{@code drop --source <conn> --slots a,b}: drops those slots and publications (frees their WAL).</li>
 * </ul>
 * Figures on stdout: {@code backlog_rows}, {@code backlog_insert_s}, {@code backlog_wal_mb}.
 */
public final class E2eWorkload {
    static final String TABLE = "public.bench_rows";
    private static final int ROWS_PER_TRANSACTION = 10_000;

    private E2eWorkload() {}

    public static void main(String[] argv) throws Exception {
        String command = argv.length == 0 ? "" : argv[0];
        Args args = Args.parse(Arrays.copyOfRange(argv, Math.min(1, argv.length), argv.length));
        try (Connection c = Jdbc.open(args.get("source"))) {
            switch (command) {
                case "prepare" -> prepare(c);
                case "backlog" -> backlog(c, args.getList("slots"), args.getLong("rows", 200_000), args.getLong("first-id", 1));
                case "drop" -> drop(c, args.getList("slots"));
                default -> throw new IllegalArgumentException("usage: E2eWorkload prepare|backlog|drop --source <conn> ...");
            }
        }
    }

    static void prepare(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigint PRIMARY KEY, email text NOT NULL, phone text NOT NULL, "
                    + "price numeric(10,2) NOT NULL, tax numeric(10,2) NOT NULL, status text NOT NULL, "
                    + "created_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    static void backlog(Connection c, List<String> slots, long rows, long firstId) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String slot : slots) {
                s.execute("CREATE PUBLICATION " + slot + "_pub FOR TABLE " + TABLE);
                s.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            }
        }
        long walBefore = walLsn(c);
        long start = System.nanoTime();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (long from = firstId; from < firstId + rows; from += ROWS_PER_TRANSACTION) {
                long to = Math.min(firstId + rows - 1, from + ROWS_PER_TRANSACTION - 1);
                s.execute(insertRows(from, to));
                c.commit();
            }
        } finally {
            c.setAutoCommit(true);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Figures.print("backlog_rows", rows);
        Figures.print("backlog_insert_s", seconds);
        Figures.print("backlog_wal_mb", (walLsn(c) - walBefore) / 1048576.0);
    }

    /** The rows {@code from..to}: every one passes the spec's filter and both quality checks. */
    static String insertRows(long from, long to) {
        return "INSERT INTO " + TABLE + " (id, email, phone, price, tax, status) SELECT g, "
                + "'user' || g || '.name@example' || (g % 7) || '.com', "
                + "'555-010-' || lpad((g % 10000)::text, 4, '0'), "
                + "(10 + g % 90) + 0.99, 1 + (g % 10) / 10.0, 'active' "
                + "FROM generate_series(" + from + ", " + to + ") g";
    }

    static void drop(Connection c, List<String> slots) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String slot : slots) {
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
                s.execute("DROP PUBLICATION IF EXISTS " + slot + "_pub");
            }
        }
    }

    private static long walLsn(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
            r.next();
            return r.getLong(1);
        }
    }
}
