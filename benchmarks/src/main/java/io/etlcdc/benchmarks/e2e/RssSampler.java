package io.etlcdc.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Samples this process's resident set size ({@code VmRSS} in {@code /proc/self/status}, Linux) at a fixed
 * interval on a daemon thread, each sample with the progress (events committed) at that moment.
 */
final class RssSampler implements AutoCloseable {
    /** One sample: resident memory in KiB and how many events were committed when it was taken. */
    record Sample(long rssKib, long progress) {}

    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    RssSampler(long intervalMillis, LongSupplier progress) {
        thread = new Thread(() -> {
            while (running) {
                long rss = rssKib();
                synchronized (samples) {
                    samples.add(new Sample(rss, progress.getAsLong()));
                }
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "e2e-rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return -1;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
