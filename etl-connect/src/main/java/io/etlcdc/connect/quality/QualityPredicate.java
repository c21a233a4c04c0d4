package io.etlcdc.connect.quality;

import io.etlcdc.connect.record.ChangeEventReader;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.spi.TransformCollector;
import io.etlcdc.quality.Action;
import io.etlcdc.quality.QualityGate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.predicates.Predicate;

import java.util.List;
import java.util.Map;

/**
 * True for a change record that fails at least one of the quality rules (whatever their action), so that
 * Connect's conditional transformations can act on failing records with the product's rules, e.g. send
 * them to a quarantine topic:
 *
 * <pre>
 * predicates=badQuality
 * predicates.badQuality.type=io.etlcdc.connect.quality.QualityPredicate
 * predicates.badQuality.rules=rules: [{rule_id: email_format, field: email, check: pattern, parameters: {regex: '^[^@]+@[^@]+$'}}]
 * transforms=quarantine
 * transforms.quarantine.type=org.apache.kafka.connect.transforms.RegexRouter
 * transforms.quarantine.regex=(.*)
 * transforms.quarantine.replacement=$1.quarantine
 * transforms.quarantine.predicate=badQuality
 * </pre>
 *
 * Records that are not change envelopes never match. {@code unique} windows are kept per predicate
 * instance. One instance per task, used from the task's thread only.
 *
 * @param <R> the record type
 */
public class QualityPredicate<R extends ConnectRecord<R>> implements Predicate<R> {
    public static final ConfigDef CONFIG_DEF = QualityConfig.define(new ConfigDef());

    private QualityGate gate;
    private ChangeEventReader reader;

    @Override
    public void configure(Map<String, ?> configs) {
        Map<String, Object> values = CONFIG_DEF.parse(configs);
        // every failing check counts, whatever action the rule names: the predicate only answers "does it fail"
        this.gate = QualityConfig.gate(values, "quality-predicate", r -> r.withAction(Action.DEAD_LETTER.apiName()));
        this.reader = new ChangeEventReader((String) values.get(QualityConfig.SOURCE_ID));
    }

    @Override
    public boolean test(R record) {
        ChangeEvent event = reader.read(record);
        if (event == null) {
            return false;
        }
        Verdict verdict = new Verdict();
        gate.apply(List.of(event), verdict);
        return verdict.failed;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        gate = null;
    }

    private static final class Verdict implements TransformCollector {
        boolean failed;

        @Override public void emit(ChangeEvent e) { }
        @Override public void filter(ChangeEvent e, String rule) { failed = true; }
        @Override public void drop(ChangeEvent e, String rule, String why) { failed = true; }
        @Override public void deadLetter(ChangeEvent e, String rule, String why, Map<String, Object> d) { failed = true; }
        @Override public void failSource(String sourceId, String why) { failed = true; }
        @Override public void failPipeline(String why) { failed = true; }
    }
}
