package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.QualityMetricsSnapshot;
import io.etlcdc.quality.QualityMetricsSnapshot.RecordCounts;
import io.etlcdc.quality.QualityMetricsSnapshot.Series;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The live figures of one gate: per rule, per asset and per outcome. Updated per batch; thread-safe. */
@Internal
public final class QualityMetrics {
    private final Clock clock;
    private final Map<String, WindowedCounters> rules = new ConcurrentHashMap<>();
    private final Map<String, WindowedCounters> assets = new ConcurrentHashMap<>();
    final LongAdder passed = new LongAdder();
    final LongAdder warned = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder unchecked = new LongAdder();

    public QualityMetrics(Clock clock) {
        this.clock = clock;
    }

    public WindowedCounters rule(String ruleId) {
        return rules.computeIfAbsent(ruleId, k -> new WindowedCounters());
    }

    public WindowedCounters asset(String asset) {
        return assets.computeIfAbsent(asset, k -> new WindowedCounters());
    }

    /** A removed rule's figures go with it. */
    public void forgetRule(String ruleId) {
        rules.remove(ruleId);
    }

    /** Adds one batch's record outcomes. */
    public void outcomes(long passedCount, long warnedCount, long droppedCount, long deadLetteredCount, long failedCount,
                         long uncheckedCount) {
        passed.add(passedCount);
        warned.add(warnedCount);
        dropped.add(droppedCount);
        deadLettered.add(deadLetteredCount);
        failed.add(failedCount);
        unchecked.add(uncheckedCount);
    }

    public QualityMetricsSnapshot snapshot() {
        long now = clock.millis();
        Map<String, Series> r = new TreeMap<>();
        rules.forEach((k, v) -> r.put(k, v.series(now)));
        Map<String, Series> a = new TreeMap<>();
        assets.forEach((k, v) -> a.put(k, v.series(now)));
        long p = passed.sum();
        long w = warned.sum();
        long d = dropped.sum();
        long dl = deadLettered.sum();
        long f = failed.sum();
        RecordCounts counts = new RecordCounts(p + w + d + dl + f, p, w, d, dl, f, unchecked.sum());
        return new QualityMetricsSnapshot(Instant.ofEpochMilli(now), counts, r, a);
    }
}
