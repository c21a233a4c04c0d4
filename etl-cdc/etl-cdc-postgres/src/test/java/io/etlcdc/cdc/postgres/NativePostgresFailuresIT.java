package io.etlcdc.cdc.postgres;

/** The same failure scenarios as {@link PostgresFailuresIT}, with {@code engine: native}. */
class NativePostgresFailuresIT extends PostgresFailuresIT {
    @Override
    protected String engine() {
        return "native";
    }
}
