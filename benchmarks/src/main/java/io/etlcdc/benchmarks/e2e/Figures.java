package io.etlcdc.benchmarks.e2e;

import java.util.Locale;

/** Prints figures as {@code name=value} lines on stdout, the format {@code e2e.sh} collects (logs go to stderr). */
final class Figures {
    private Figures() {}

    static void print(String name, long value) {
        System.out.println(name + "=" + value);
        System.out.flush();
    }

    static void print(String name, double value) {
        System.out.println(name + "=" + String.format(Locale.ROOT, "%.1f", value));
        System.out.flush();
    }

    static void print(String name, String value) {
        System.out.println(name + "=" + value);
        System.out.flush();
    }
}
