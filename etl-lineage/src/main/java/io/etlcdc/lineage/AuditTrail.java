package io.etlcdc.lineage;

import io.etlcdc.core.config.Secrets;
import io.etlcdc.core.lineage.AuditEntry;
import io.etlcdc.core.lineage.AuditQuery;
import io.etlcdc.core.pipeline.PipelineListener;
import io.etlcdc.core.pipeline.PipelineState;
import io.etlcdc.core.spi.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the audit trail: masks secrets (passwords in connection strings, secret-looking keys) in
 * targets and details before they reach the append-only {@link AuditLog}, stamps entries with the
 * clock, and offers a {@link PipelineListener} that records pipeline start, stop and failure and
 * source failures as {@code system}. Thread-safe when the log is.
 */
public final class AuditTrail {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);

    private final AuditLog log;
    private final Clock clock;

    public AuditTrail(AuditLog log, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Appends an entry, secrets masked.
     *
     * @param actor   the API token name, or null for {@code system}
     * @param details facts about the operation (may be null); values are masked when their key or shape says secret
     */
    public AuditEntry record(String actor, String action, String target, Map<String, ?> details) {
        Map<String, Object> masked = details == null ? Map.of() : Secrets.maskValues(details);
        return log.append(new AuditEntry(0, clock.instant(), actor == null ? AuditActions.SYSTEM : actor, action,
                Secrets.maskText(target), masked));
    }

    public List<AuditEntry> query(AuditQuery query) {
        return log.query(query);
    }

    /**
     * A listener recording {@code pipeline.start}, {@code pipeline.stop}, {@code pipeline.fail} (with
     * the reason) and {@code source.fail} for {@code pipelineName}. A failing log is logged, never
     * thrown into the pipeline.
     */
    public PipelineListener pipelineListener(String pipelineName) {
        return new PipelineListener() {
            @Override
            public void onStateChanged(PipelineState from, PipelineState to, String reason) {
                switch (to) {
                    case RUNNING -> safely(AuditActions.PIPELINE_START, pipelineName, Map.of());
                    case STOPPED -> safely(AuditActions.PIPELINE_STOP, pipelineName, Map.of());
                    case FAILED -> safely(AuditActions.PIPELINE_FAIL, pipelineName, reason == null ? Map.of() : Map.of("reason", reason));
                    default -> { }
                }
            }

            @Override
            public void onSourceFailed(String sourceId, Throwable error) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("pipeline", pipelineName);
                details.put("error", String.valueOf(error));
                safely(AuditActions.SOURCE_FAIL, sourceId, details);
            }
        };
    }

    private void safely(String action, String target, Map<String, ?> details) {
        try {
            record(null, action, target, details);
        } catch (RuntimeException e) {
            LOG.warn("could not write audit entry {} {}: {}", action, target, Secrets.maskText(e.toString()));
        }
    }
}
