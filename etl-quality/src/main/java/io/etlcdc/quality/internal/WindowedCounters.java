package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;
import io.etlcdc.quality.QualityMetricsSnapshot.Figures;
import io.etlcdc.quality.QualityMetricsSnapshot.Series;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quality counters of one rule or asset: totals of the whole run and ring buckets of
 * {@value #BUCKET_SECONDS} seconds covering the last 15 minutes. Updated once per batch with the
 * batch's tally (one short lock per batch, never per record); read by snapshots. Thread-safe.
 */
@Internal
public final class WindowedCounters {
    public static final int BUCKET_SECONDS = 5;
    static final int CHECKED = 0;
    static final int PASSED = 1;
    static final int FAILED = 2;
    static final int WEIGHT_CHECKED = 3;
    static final int WEIGHT_PASSED = 4;
    static final int FAILED_BY_CHECK = 5;
    /** Slots of a tally: the figures above, then one failure count per check type. */
    public static final int WIDTH = FAILED_BY_CHECK + CheckType.values().length;

    private static final long BUCKET_MILLIS = BUCKET_SECONDS * 1000L;
    private static final int BUCKETS = 15 * 60 / BUCKET_SECONDS;
    private static final CheckType[] CHECKS = CheckType.values();

    private final long[] total = new long[WIDTH];
    private final long[][] buckets = new long[BUCKETS][WIDTH];
    /** Which bucket number (epoch millis / bucket length) each ring slot holds; -1: none yet. */
    private final long[] bucketNumber = new long[BUCKETS];

    public WindowedCounters() {
        java.util.Arrays.fill(bucketNumber, -1);
    }

    /** Adds a tally ({@link #WIDTH} slots from {@code offset}) at the given time. */
    public synchronized void add(long[] tally, int offset, long nowMillis) {
        long number = Math.floorDiv(nowMillis, BUCKET_MILLIS);
        int slot = (int) Math.floorMod(number, (long) BUCKETS);
        long[] bucket = buckets[slot];
        if (bucketNumber[slot] != number) {
            java.util.Arrays.fill(bucket, 0);
            bucketNumber[slot] = number;
        }
        for (int i = 0; i < WIDTH; i++) {
            long v = tally[offset + i];
            total[i] += v;
            bucket[i] += v;
        }
    }

    /** The whole run and the last 1, 5 and 15 minutes (to the bucket: the current bucket counts whole). */
    public synchronized Series series(long nowMillis) {
        long current = Math.floorDiv(nowMillis, BUCKET_MILLIS);
        return new Series(figures(total), window(current, 60), window(current, 5 * 60), window(current, 15 * 60));
    }

    private Figures window(long currentBucket, int seconds) {
        int count = seconds / BUCKET_SECONDS;
        long[] sum = new long[WIDTH];
        for (int slot = 0; slot < BUCKETS; slot++) {
            long n = bucketNumber[slot];
            if (n >= 0 && n <= currentBucket && n > currentBucket - count) {
                for (int i = 0; i < WIDTH; i++) {
                    sum[i] += buckets[slot][i];
                }
            }
        }
        return figures(sum);
    }

    static Figures figures(long[] c) {
        Map<String, Long> byCheck = new LinkedHashMap<>();
        for (int i = 0; i < CHECKS.length; i++) {
            long n = c[FAILED_BY_CHECK + i];
            if (n != 0) {
                byCheck.put(CHECKS[i].apiName(), n);
            }
        }
        double score = c[CHECKED] == 0 ? 1.0 : (double) c[PASSED] / c[CHECKED];
        double weighted = c[WEIGHT_CHECKED] == 0 ? 1.0 : (double) c[WEIGHT_PASSED] / c[WEIGHT_CHECKED];
        return new Figures(c[CHECKED], c[PASSED], c[FAILED], byCheck, score, weighted);
    }

    /** Adds one rule evaluation of a record to a tally. */
    public static void countRule(long[] tally, int offset, boolean passed, CheckType check, int weight) {
        tally[offset + CHECKED]++;
        tally[offset + WEIGHT_CHECKED] += weight;
        if (passed) {
            tally[offset + PASSED]++;
            tally[offset + WEIGHT_PASSED] += weight;
        } else {
            tally[offset + FAILED]++;
            tally[offset + FAILED_BY_CHECK + check.ordinal()]++;
        }
    }

    /** Adds one checked record to an asset tally: its rule evaluations were added with {@link #countEvaluation}. */
    public static void countRecord(long[] tally, int offset, boolean passed) {
        tally[offset + CHECKED]++;
        tally[offset + (passed ? PASSED : FAILED)]++;
    }

    /** Adds one rule evaluation to an asset tally (weights and failures by check, not the record counts). */
    public static void countEvaluation(long[] tally, int offset, boolean passed, CheckType check, int weight) {
        tally[offset + WEIGHT_CHECKED] += weight;
        if (passed) {
            tally[offset + WEIGHT_PASSED] += weight;
        } else {
            tally[offset + FAILED_BY_CHECK + check.ordinal()]++;
        }
    }
}
