package io.etlcdc.benchmarks.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process (all threads: work, JIT compiler, GC), and per live thread. CPU per event
 * does not depend on how busy the machine is the way events per second do, so it compares the
 * baseline and the pipeline even on a shared machine.
 */
final class CpuMeter {
    private CpuMeter() {}

    /** CPU time this process has used so far, in nanoseconds (-1 when the JVM cannot tell). */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * The live threads using the most CPU so far, as {@code name:seconds} joined by {@code ;}; thread
     * names with the source's slot name and digits generalised, so runs compare.
     */
    static String busiestThreads(String slot, int limit) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                String name = info.getThreadName().replace(slot, "<slot>").replaceAll("(?<![A-Za-z])\\d+", "#");
                byName.merge(name, cpu, Long::sum);
            }
        }
        List<Map.Entry<String, Long>> top = new ArrayList<>(byName.entrySet());
        top.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(limit, top.size()); i++) {
            out.append(i == 0 ? "" : ";").append(top.get(i).getKey()).append(':')
                    .append(String.format(Locale.ROOT, "%.1f", top.get(i).getValue() / 1e9));
        }
        return out.toString();
    }
}
