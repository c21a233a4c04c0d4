package io.etlcdc.connect;

/** The version every plugin class reports to Connect: the etl-connect jar's own. */
public final class Versions {
    private Versions() {}

    /** The implementation version of the jar, or {@code dev} when run from classes (tests). */
    public static String version() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
