package io.etlcdc.connect.quality;

import org.apache.kafka.connect.errors.DataException;

/**
 * A record failed quality rules whose action sends it to the dead-letter queue. The message is the
 * JSON that {@link QualityHeaders#FAILED_CHECKS} carries ({@code {"stage", "rule_id", "reason", "asset",
 * "failed_checks": [...]}}), so that with {@code errors.deadletterqueue.context.headers.enable=true} the
 * dead-letter record's {@code __connect.errors.exception.message} header holds every failed check too.
 */
public class QualityCheckException extends DataException {
    private static final long serialVersionUID = 1L;

    public QualityCheckException(String failedChecksJson) {
        super(failedChecksJson);
    }
}
