package io.etlcdc.core.event;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;

/** What a change did. Snapshot reads are {@link #INSERT} with {@link ChangeEvent#snapshot()} set. */
public enum Operation {
    INSERT("c"),
    UPDATE("u"),
    DELETE("d"),
    TRUNCATE("t"),
    DDL("ddl");

    private final String code;

    Operation(String code) {
        this.code = code;
    }

    /** Debezium's envelope code ({@code c}, {@code u}, {@code d}, {@code t}); {@code r} for snapshot reads. */
    public String debeziumCode(boolean snapshot) {
        return snapshot && this == INSERT ? "r" : code;
    }

    /** True for changes to a single row (insert, update, delete). */
    public boolean isRowChange() {
        return this == INSERT || this == UPDATE || this == DELETE;
    }

    /** Parses a name ({@code INSERT}) or a Debezium code ({@code c}, {@code r}, {@code u}, {@code d}, {@code t}). */
    public static Operation parse(String text) {
        if (text == null) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "operation is null; expected one of INSERT, UPDATE, DELETE, TRUNCATE, DDL");
        }
        switch (text) {
            case "c": case "r": return INSERT;
            case "u": return UPDATE;
            case "d": return DELETE;
            case "t": return TRUNCATE;
            default:
                for (Operation op : values()) {
                    if (op.name().equalsIgnoreCase(text)) {
                        return op;
                    }
                }
                throw new EtlException(ErrorCode.CONFIG_INVALID,
                        "unknown operation '" + text + "'; expected one of INSERT, UPDATE, DELETE, TRUNCATE, DDL");
        }
    }
}
