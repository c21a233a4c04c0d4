package io.etlcdc.transform.expr;

import java.util.HashMap;
import java.util.Map;

/** The variables and budget of one evaluation. Not thread-safe: one per evaluation. */
final class Frame {
    private static final int CLOCK_CHECK_MASK = 255;

    final Map<String, Object> record;
    final TemplateLimits limits;
    private Map<String, Object> locals;
    private long steps;
    private long deadline;

    Frame(Map<String, Object> record, TemplateLimits limits) {
        this.record = record == null ? Map.of() : record;
        this.limits = limits;
    }

    Object lookup(String name) {
        if (locals != null) {
            Object v = locals.get(name);
            if (v != null || locals.containsKey(name)) {
                return v;
            }
        }
        Object v = record.get(name);
        if (v != null || record.containsKey(name)) {
            return v;
        }
        return Globals.constant(name);
    }

    void set(String name, Object value) {
        if (locals == null) {
            locals = new HashMap<>();
        }
        locals.put(name, value);
    }

    /** Saves the locals that a loop will overwrite, so they can be restored after it. */
    Map<String, Object> snapshot() {
        return locals == null ? null : new HashMap<>(locals);
    }

    void restore(Map<String, Object> saved) {
        locals = saved;
    }

    /** Counts one unit of work (a loop iteration or a call) against the budget. */
    void step() {
        long s = ++steps;
        if (s > limits.maxSteps()) {
            throw PyException.security("template exceeded " + limits.maxSteps() + " steps (loop iterations and calls)");
        }
        if ((s & CLOCK_CHECK_MASK) == 0) {
            long now = System.nanoTime();
            if (deadline == 0) {
                deadline = now + limits.maxMillis() * 1_000_000L;
            } else if (now > deadline) {
                throw PyException.security("template exceeded its time limit of " + limits.maxMillis() + " ms");
            }
        }
    }

    void checkSize(int size) {
        if (size > limits.maxCollectionSize()) {
            throw PyException.security("template built a collection of " + size + " elements; the limit is " + limits.maxCollectionSize());
        }
    }

    void checkLength(long length) {
        if (length > limits.maxOutputChars()) {
            throw PyException.security("template built a string of " + length + " characters; the limit is " + limits.maxOutputChars());
        }
    }
}
