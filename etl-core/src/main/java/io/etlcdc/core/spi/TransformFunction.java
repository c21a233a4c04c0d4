package io.etlcdc.core.spi;

import java.util.List;

/**
 * A function callable by name in rule expressions, e.g. {@code {{ mask(email) }}}. Register in
 * {@code META-INF/services/io.etlcdc.core.spi.TransformFunction}.
 *
 * <p>Implementations must be deterministic (same arguments, same result: rules must be idempotent),
 * thread-safe, free of side effects, and must not change their arguments. Arguments and results use
 * the value types of {@link io.etlcdc.core.event.ColumnType} plus {@code null}.
 */
public interface TransformFunction {

    /** The name used in expressions; a valid identifier. */
    String name();

    /** Calls the function; throw {@link IllegalArgumentException} with a readable message for bad arguments. */
    Object call(List<Object> arguments);
}
