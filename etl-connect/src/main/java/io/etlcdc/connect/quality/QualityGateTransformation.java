package io.etlcdc.connect.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.etlcdc.connect.record.ChangeEventReader;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.quality.QualityGate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The product's quality gate as a Kafka Connect transformation, configured with the same rules as
 * {@code config/quality.yaml}, on Debezium change envelopes:
 *
 * <pre>
 * transforms=rules,quality
 * transforms.quality.type=io.etlcdc.connect.quality.QualityGateTransformation$Value
 * transforms.quality.rules={"rules": [{"rule_id": "email_format", "field": "email", "check": "pattern",
 *     "parameters": {"regex": "^[^@]+@[^@]+$"}, "action": "dead_letter"}]}
 * errors.tolerance=all
 * errors.deadletterqueue.topic.name=etl-dlq-warehouse
 * errors.deadletterqueue.context.headers.enable=true
 * </pre>
 *
 * What each rule action does to a record:
 * <ul>
 *   <li>{@code warn}: passes unchanged;</li>
 *   <li>{@code drop}: removed (the transformation returns null), as the embedded gate drops it;</li>
 *   <li>{@code dead_letter}: with {@code dead_letter.mode=report} (default) the record passes on carrying
 *   {@link QualityHeaders} (outcome, rule id, reason, the failed checks as JSON); the product's sink
 *   connectors never write it and send it to the dead-letter queue through Connect's errant-record
 *   reporter. With {@code dead_letter.mode=exception} the transformation throws a
 *   {@link QualityCheckException} instead, which Connect's error handling sends to the dead-letter queue
 *   for any sink connector (with {@code errors.tolerance=all});</li>
 *   <li>{@code fail}: in {@code report} mode the record carries outcome {@code fail} and the product's
 *   sink task fails without committing it; in {@code exception} mode it raises a
 *   {@link ConnectException} (which {@code errors.tolerance=all} tolerates like a dead letter).</li>
 * </ul>
 * Records that are not change envelopes (tombstones, heartbeats) pass unchanged. One instance per
 * task, used from the task's thread only.
 *
 * @param <R> the record type
 */
public abstract class QualityGateTransformation<R extends ConnectRecord<R>> implements Transformation<R> {
    public static final String DEAD_LETTER_MODE = "dead_letter.mode";

    public static final ConfigDef CONFIG_DEF = QualityConfig.define(new ConfigDef())
            .define(DEAD_LETTER_MODE, ConfigDef.Type.STRING, "report", ConfigDef.ValidString.in("report", "exception"),
                    ConfigDef.Importance.MEDIUM, "report: mark failing records with etl.quality.* headers for the product's sink "
                            + "connectors, which send them to the dead-letter queue with the errant-record reporter; exception: throw, "
                            + "so that Connect's error handling sends them to the dead-letter queue for any sink connector.");

    private QualityGate gate;
    private ChangeEventReader reader;
    private boolean throwOnDeadLetter;

    @Override
    public void configure(Map<String, ?> configs) {
        Map<String, Object> values = CONFIG_DEF.parse(configs);
        this.gate = QualityConfig.gate(values, "quality", r -> r);
        this.reader = new ChangeEventReader((String) values.get(QualityConfig.SOURCE_ID));
        this.throwOnDeadLetter = "exception".equals(String.valueOf(values.get(DEAD_LETTER_MODE)).toLowerCase(Locale.ROOT));
    }

    /** The gate, for its live figures ({@link QualityGate#metrics()}). */
    public QualityGate gate() {
        return gate;
    }

    @Override
    public R apply(R record) {
        ChangeEvent event = reader.read(record);
        if (event == null) {
            return record;
        }
        Outcome outcome = new Outcome();
        gate.apply(List.of(event), outcome);
        if (outcome.dropped) {
            return null;
        }
        if (outcome.failure == null) {
            return record;
        }
        String json = outcome.json();
        if (throwOnDeadLetter) {
            if (outcome.fail) {
                throw new ConnectException("quality stage stopped the pipeline: " + outcome.reason);
            }
            throw new QualityCheckException(json);
        }
        Headers headers = record.headers().duplicate();
        headers.addString(QualityHeaders.OUTCOME, outcome.fail ? QualityHeaders.FAIL : QualityHeaders.DEAD_LETTER);
        headers.addString(QualityHeaders.RULE_ID, outcome.ruleId);
        headers.addString(QualityHeaders.REASON, outcome.reason);
        headers.addString(QualityHeaders.FAILED_CHECKS, json);
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), record.valueSchema(),
                record.value(), record.timestamp(), headers);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        gate = null;
    }

    /** The gate's verdict on one record. */
    private static final class Outcome implements TransformCollector {
        boolean dropped;
        boolean fail;
        String ruleId;
        String reason;
        Map<String, Object> details = Map.of();
        Object failure;

        @Override public void emit(ChangeEvent e) { }
        @Override public void filter(ChangeEvent e, String rule) { dropped = true; }
        @Override public void drop(ChangeEvent e, String rule, String why) { dropped = true; }

        @Override
        public void deadLetter(ChangeEvent e, String rule, String why, Map<String, Object> d) {
            ruleId = rule;
            reason = why;
            details = d == null ? Map.of() : d;
            failure = Boolean.TRUE;
        }

        @Override
        public void failSource(String sourceId, String why) {
            failPipeline(why);
        }

        @Override
        public void failPipeline(String why) {
            fail = true;
            reason = why;
            failure = Boolean.TRUE;
            int quote = why.indexOf('\'');
            int end = quote < 0 ? -1 : why.indexOf('\'', quote + 1);
            ruleId = end > quote ? why.substring(quote + 1, end) : "quality";
        }

        String json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("stage", "quality");
            out.put("rule_id", ruleId);
            out.put("reason", reason);
            out.putAll(details);
            try {
                return EtlJson.mapper().writeValueAsString(out);
            } catch (JsonProcessingException e) {
                return "{\"stage\":\"quality\",\"rule_id\":\"" + ruleId + "\"}";
            }
        }
    }

    /** Checks the record value (the Debezium envelope). */
    public static final class Value<R extends ConnectRecord<R>> extends QualityGateTransformation<R> {
    }
}
