package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.etlcdc.core.error.ConfigException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which earlier versions a new schema of a subject is checked against, and in which direction, with
 * the meanings Confluent Schema Registry gives these names.
 * <ul>
 *   <li>BACKWARD: the new schema can read data written with the latest version (consumers upgrade first);</li>
 *   <li>FORWARD: the latest version can read data written with the new schema (producers upgrade first);</li>
 *   <li>FULL: both;</li>
 *   <li>the {@code _TRANSITIVE} variants: the same against every earlier version, not only the latest;</li>
 *   <li>NONE: no check.</li>
 * </ul>
 */
public enum CompatibilityMode {
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true),
    NONE(false, false, false);

    /** The global default when none was set. */
    public static final CompatibilityMode DEFAULT = BACKWARD;

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityMode(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** True when the new schema must read data written with earlier versions. */
    public boolean backward() {
        return backward;
    }

    /** True when earlier versions must read data written with the new schema. */
    public boolean forward() {
        return forward;
    }

    /** True when every earlier version is checked, not only the latest. */
    public boolean transitive() {
        return transitive;
    }

    /** Parses a mode name case-insensitively. */
    @JsonCreator
    public static CompatibilityMode parse(String text) {
        if (text != null) {
            String t = text.trim().toUpperCase(Locale.ROOT);
            for (CompatibilityMode mode : values()) {
                if (mode.name().equals(t)) {
                    return mode;
                }
            }
        }
        throw new ConfigException("compatibility", text, "expected one of "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }

    @JsonValue
    public String jsonName() {
        return name();
    }
}
