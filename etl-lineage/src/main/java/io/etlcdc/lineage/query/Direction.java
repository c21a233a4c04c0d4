package io.etlcdc.lineage.query;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Which way a query follows the edges: with the data ({@code downstream}) or against it ({@code upstream}). */
public enum Direction {
    DOWNSTREAM,
    UPSTREAM;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
