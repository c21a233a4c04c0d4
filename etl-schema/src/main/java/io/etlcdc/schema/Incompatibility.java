package io.etlcdc.schema;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * One reason a schema breaks readers.
 *
 * @param path    where in the schema: a dotted field path ({@code address.zip}), {@code []} for array
 *                items, {@code {}} for map values, {@code /} for the schema as a whole
 * @param message the field, what changed, against which version, and why it breaks readers
 */
public record Incompatibility(@JsonProperty("path") String path, @JsonProperty("message") String message) {
    public Incompatibility {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
