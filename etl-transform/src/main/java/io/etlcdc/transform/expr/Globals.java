package io.etlcdc.transform.expr;

import io.etlcdc.core.spi.TransformFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The names every template sees besides the record: constants and global functions. */
final class Globals {
    private Globals() {}

    /** The value of a name that the record does not define: {@code none} or Undefined. */
    static Object constant(String name) {
        return switch (name) {
            case "none", "None" -> null;
            case "true", "True" -> Boolean.TRUE;
            case "false", "False" -> Boolean.FALSE;
            default -> Undefined.of("'" + name + "' is undefined");
        };
    }

    static boolean isBuiltinFunction(String name) {
        return switch (name) {
            case "range", "dict", "lipsum", "namespace", "cycler", "joiner" -> true;
            default -> false;
        };
    }

    static Object call(String name, List<Object> args, Map<String, Object> kwargs, Map<String, TransformFunction> functions, Frame f) {
        f.step();
        TransformFunction fn = functions.get(name);
        if (fn != null) {
            if (!kwargs.isEmpty()) throw PyException.type(name + "() takes no keyword arguments");
            try {
                return fn.call(nullSafe(args));
            } catch (IllegalArgumentException e) {
                throw PyException.value(name + "(): " + e.getMessage());
            }
        }
        switch (name) {
            case "range": {
                long start = 0;
                long stop;
                long step = 1;
                if (args.size() == 1) {
                    stop = Py.toLong(args.get(0));
                } else if (args.size() >= 2) {
                    start = Py.toLong(args.get(0));
                    stop = Py.toLong(args.get(1));
                    if (args.size() > 2) step = Py.toLong(args.get(2));
                } else {
                    throw PyException.type("range expected at least 1 argument, got 0");
                }
                if (step == 0) throw PyException.value("range() arg 3 must not be zero");
                long count = step > 0 ? Math.max(0, (stop - start + step - 1) / step) : Math.max(0, (start - stop - step - 1) / -step);
                f.checkSize((int) Math.min(Integer.MAX_VALUE, count));
                List<Object> out = new ArrayList<>((int) count);
                for (long i = 0, v = start; i < count; i++, v += step) out.add(v);
                return out;
            }
            case "dict": {
                Map<String, Object> out = new LinkedHashMap<>();
                if (!args.isEmpty() && args.get(0) instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> out.put(String.valueOf(k), v));
                }
                out.putAll(kwargs);
                return out;
            }
            default:
                throw new PyException("UndefinedError", "'" + name + "' is undefined");
        }
    }

    private static List<Object> nullSafe(List<Object> args) {
        // List.copyOf refuses nulls; TransformFunction arguments may be None.
        return java.util.Collections.unmodifiableList(new ArrayList<>(args));
    }
}
