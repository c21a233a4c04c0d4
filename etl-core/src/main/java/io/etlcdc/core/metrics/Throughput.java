package io.etlcdc.core.metrics;

import java.time.Clock;

/** Events per second over a sliding window of whole seconds; one synchronized add per batch. */
final class Throughput {
    private final Clock clock;
    private final long[] counts;
    private final long[] seconds;

    Throughput(Clock clock, int windowSeconds) {
        this.clock = clock;
        this.counts = new long[windowSeconds];
        this.seconds = new long[windowSeconds];
    }

    synchronized void add(long n) {
        long now = clock.millis() / 1000;
        int i = (int) (now % counts.length);
        if (seconds[i] != now) {
            seconds[i] = now;
            counts[i] = 0;
        }
        counts[i] += n;
    }

    synchronized double perSecond() {
        long now = clock.millis() / 1000;
        long sum = 0;
        // the current second is partial: average over the completed seconds of the window
        for (int i = 0; i < counts.length; i++) {
            if (seconds[i] < now && now - seconds[i] <= counts.length) {
                sum += counts[i];
            }
        }
        return sum / (double) counts.length;
    }
}
