package io.etlcdc.core.lineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One operation in the audit trail.
 *
 * @param id      assigned by the log on append (0 before)
 * @param time    when
 * @param actor   API token name, or {@code system}
 * @param action  e.g. {@code pipeline.start}, {@code source.connect}, {@code rule.add}, {@code schema.register}
 * @param target  what it acted on, e.g. a source id or rule id
 * @param details facts, JSON-serializable, secrets masked
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AuditEntry(
        @JsonProperty("id") long id,
        @JsonProperty("time") Instant time,
        @JsonProperty("actor") String actor,
        @JsonProperty("action") String action,
        @JsonProperty("target") String target,
        @JsonProperty("details") Map<String, Object> details) {
    public AuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        actor = actor == null ? "system" : actor;
        target = target == null ? "" : target;
        details = details == null ? Map.of() : details;
    }

    public static AuditEntry of(String actor, String action, String target, Map<String, Object> details) {
        return new AuditEntry(0, Instant.now(), actor, action, target, details);
    }

    public AuditEntry withId(long newId) {
        return new AuditEntry(newId, time, actor, action, target, details);
    }
}
