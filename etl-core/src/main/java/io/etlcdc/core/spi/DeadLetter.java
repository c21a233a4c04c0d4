package io.etlcdc.core.spi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.etlcdc.core.event.ChangeEvent;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A record the pipeline could not process, with why.
 *
 * @param event     the event as it entered the failing stage
 * @param stage     {@code transform}, {@code quality} or {@code sink}
 * @param component the rule id, quality rule id or sink id that refused it
 * @param reason    the error, readable
 * @param failedAt  when
 * @param details   stage-specific facts (e.g. the failed quality checks), JSON-serializable
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DeadLetter(
        @JsonProperty("event") ChangeEvent event,
        @JsonProperty("stage") String stage,
        @JsonProperty("component") String component,
        @JsonProperty("reason") String reason,
        @JsonProperty("failed_at") Instant failedAt,
        @JsonProperty("details") Map<String, Object> details) {

    public DeadLetter {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(failedAt, "failedAt");
        details = details == null ? Map.of() : details;
    }
}
