package io.etlcdc.connect.quality;

import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.header.Headers;

/**
 * The headers {@link QualityGateTransformation} puts on a record that failed rules whose action is
 * {@code dead_letter} or {@code fail}. The product's sink connectors read them, never write such a
 * record, and hand it to Connect's errant-record reporter (dead letters) or fail the task ({@code fail}).
 */
public final class QualityHeaders {
    /** {@code dead_letter} or {@code fail}. */
    public static final String OUTCOME = "etl.quality.outcome";
    /** The rule that decided the outcome. */
    public static final String RULE_ID = "etl.quality.rule_id";
    /** Why, readable. */
    public static final String REASON = "etl.quality.reason";
    /** JSON: {@code {"stage":"quality","rule_id","reason","asset","failed_checks":[{"rule_id","field","check","value","reason","severity","action"}]}}. */
    public static final String FAILED_CHECKS = "etl.quality.failed_checks";

    public static final String DEAD_LETTER = "dead_letter";
    public static final String FAIL = "fail";

    private QualityHeaders() {}

    /** The value of a header as text, or null when the record does not carry it. */
    public static String text(Headers headers, String key) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastWithName(key);
        return h == null || h.value() == null ? null : String.valueOf(h.value());
    }
}
