package io.etlcdc.benchmarks.e2e;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line arguments of the end-to-end programs: {@code --name value} pairs. Immutable. */
final class Args {
    private final Map<String, String> values;

    private Args(Map<String, String> values) {
        this.values = values;
    }

    static Args parse(String[] argv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + argv[i] + "'");
            }
            m.put(argv[i].substring(2), argv[++i]);
        }
        return new Args(m);
    }

    String get(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return v;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    long getLong(String name, long fallback) {
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : fallback;
    }

    double getDouble(String name, double fallback) {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
    }

    List<String> getList(String name) {
        return List.of(get(name).split(","));
    }
}
