package io.etlcdc.core.spi;

/** How a component is doing, from best to worst. */
public enum HealthStatus {
    /** Working. */
    UP,
    /** Working in part: some tables failing, lag growing, retrying. */
    DEGRADED,
    /** Not working: disconnected, failed, stalled. */
    DOWN,
    /** Not started or cannot tell. */
    UNKNOWN;

    /** The worse of two statuses (UNKNOWN counts as better than DEGRADED). */
    public HealthStatus worst(HealthStatus other) {
        return rank(other) > rank(this) ? other : this;
    }

    private static int rank(HealthStatus s) {
        return switch (s) {
            case UP -> 0;
            case UNKNOWN -> 1;
            case DEGRADED -> 2;
            case DOWN -> 3;
        };
    }
}
