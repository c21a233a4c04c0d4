package io.etlcdc.benchmarks.e2e;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.locks.LockSupport;

/**
 * Commits single-row INSERTs into {@code bench_rows} at a steady rate on one connection: row {@code i} is
 * due at {@code start + i / rate}; a row that is late is sent at once (no burst to catch up beyond that).
 * Rows have the same shape as the backlog rows of {@link E2eWorkload}. Each commit is synchronous
 * ({@code synchronous_commit = on}, PostgreSQL's default, which the embedded server turns off): with
 * asynchronous commits the WAL writer flushes only every {@code wal_writer_delay} (200 ms), and logical
 * decoding sends nothing before the flush, which would add up to 200 ms to every engine's latency.
 */
final class SteadyInserts {
    private SteadyInserts() {}

    /**
     * Inserts {@code warmup + measured} rows with ids from {@code firstId} and returns the rate achieved
     * over the measured rows (rows per second).
     */
    static double run(Connection c, long firstId, long warmup, long measured, double rate) throws SQLException {
        c.setAutoCommit(true);
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = on");
        }
        long intervalNanos = Math.round(1e9 / rate);
        long measuredStart = System.nanoTime();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + E2eWorkload.TABLE
                + " (id, email, phone, price, tax, status) VALUES (?, ?, ?, ?, ?, 'active')")) {
            long t0 = System.nanoTime();
            for (long i = 0; i < warmup + measured; i++) {
                if (i == warmup) {
                    measuredStart = System.nanoTime();
                }
                long wait = t0 + i * intervalNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long id = firstId + i;
                insert.setLong(1, id);
                insert.setString(2, "user" + id + ".name@example" + (id % 7) + ".com");
                insert.setString(3, "555-010-" + String.format("%04d", id % 10_000));
                insert.setBigDecimal(4, new BigDecimal((10 + id % 90) + ".99"));
                insert.setBigDecimal(5, new BigDecimal("1." + (id % 10)));
                insert.executeUpdate();
            }
        }
        return measured / ((System.nanoTime() - measuredStart) / 1e9);
    }

    /** The value at or below which a share {@code q} of the sorted values lie (nearest rank). */
    static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Prints {@code <prefix>_p50_ms}, {@code _p90_ms}, {@code _p99_ms}, {@code _max_ms} of the values. */
    static void printPercentiles(String prefix, long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        Figures.print(prefix + "_p50_ms", percentile(sorted, 0.50));
        Figures.print(prefix + "_p90_ms", percentile(sorted, 0.90));
        Figures.print(prefix + "_p99_ms", percentile(sorted, 0.99));
        Figures.print(prefix + "_max_ms", sorted[sorted.length - 1]);
    }
}
