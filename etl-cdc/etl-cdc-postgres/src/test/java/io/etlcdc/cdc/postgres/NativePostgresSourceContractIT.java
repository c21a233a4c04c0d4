package io.etlcdc.cdc.postgres;

/** The same source contract as {@link PostgresSourceContractIT}, with {@code engine: native}. */
class NativePostgresSourceContractIT extends PostgresSourceContractIT {
    @Override
    protected String engine() {
        return "native";
    }
}
