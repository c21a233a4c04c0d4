package io.etlcdc.transform.testfn;

import io.etlcdc.core.spi.TransformFunction;

import java.util.List;

/** A user's function, found through META-INF/services: masks all but the last two characters. */
public final class MaskFunction implements TransformFunction {
    @Override
    public String name() {
        return "mask";
    }

    @Override
    public Object call(List<Object> arguments) {
        if (arguments.size() != 1 || !(arguments.get(0) instanceof String s)) {
            throw new IllegalArgumentException("mask(text) takes one string");
        }
        return "*".repeat(Math.max(0, s.length() - 2)) + s.substring(Math.max(0, s.length() - 2));
    }
}
