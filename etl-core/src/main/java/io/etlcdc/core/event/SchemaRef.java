package io.etlcdc.core.event;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/** The registered schema an event was written with: a subject (e.g. {@code postgres_main_users}) and its version. */
public record SchemaRef(@JsonProperty("subject") String subject, @JsonProperty("version") int version) {
    public SchemaRef {
        Objects.requireNonNull(subject, "subject");
        if (version < 1) {
            throw new IllegalArgumentException("schema version must be >= 1, got " + version);
        }
    }
}
