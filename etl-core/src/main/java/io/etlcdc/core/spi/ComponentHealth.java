package io.etlcdc.core.spi;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Map;
import java.util.Objects;

/**
 * The health of a sink, store or engine.
 *
 * @param status  how it is doing
 * @param message what is wrong, or null when up
 * @param details component-specific figures (JSON-serializable)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ComponentHealth(HealthStatus status, String message, Map<String, Object> details) {
    public ComponentHealth {
        Objects.requireNonNull(status, "status");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static ComponentHealth up() {
        return new ComponentHealth(HealthStatus.UP, null, Map.of());
    }

    public static ComponentHealth unknown() {
        return new ComponentHealth(HealthStatus.UNKNOWN, null, Map.of());
    }

    public static ComponentHealth down(String message) {
        return new ComponentHealth(HealthStatus.DOWN, message, Map.of());
    }
}
