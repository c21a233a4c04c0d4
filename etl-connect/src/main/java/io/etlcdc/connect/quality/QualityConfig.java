package io.etlcdc.connect.quality;

import io.etlcdc.quality.QualityGate;
import io.etlcdc.quality.QualityRule;
import io.etlcdc.quality.QualityRules;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The options the quality transformation and predicate share: the rules, as the text of a
 * {@code config/quality.yaml} ({@code rules: [...]}, YAML or JSON) or the path of such a file, and the
 * source id the rules' targets name.
 */
final class QualityConfig {
    static final String RULES = "rules";
    static final String RULES_FILE = "rules.file";
    static final String SOURCE_ID = "source.id";

    private QualityConfig() {}

    static ConfigDef define(ConfigDef def) {
        return def
                .define(RULES, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                        "The quality rules as YAML or JSON text: a 'rules:' list as in config/quality.yaml.")
                .define(RULES_FILE, ConfigDef.Type.STRING, null, ConfigDef.Importance.HIGH,
                        "Path of a quality rules file (YAML or JSON) on every worker; used when 'rules' is not set.")
                .define(SOURCE_ID, ConfigDef.Type.STRING, null, ConfigDef.Importance.MEDIUM,
                        "The source id rule targets name; default: the envelope's source.name (Debezium's topic.prefix).");
    }

    /** The gate for the configured rules, each rule passed through {@code adjust}; every problem in one ConfigException. */
    static QualityGate gate(Map<String, Object> values, String id, UnaryOperator<QualityRule> adjust) {
        String text = (String) values.get(RULES);
        String file = (String) values.get(RULES_FILE);
        List<QualityRule> rules;
        try {
            if (text != null && !text.isBlank()) {
                rules = QualityRules.parseYaml(text, RULES);
            } else if (file != null && !file.isBlank()) {
                rules = QualityRules.load(Path.of(file));
            } else {
                throw new ConfigException(RULES, null, "set '" + RULES + "' (the rules as YAML or JSON) or '" + RULES_FILE + "' (a file path)");
            }
            return QualityGate.builder().id(id).classLoader(QualityConfig.class.getClassLoader())
                    .rules(rules.stream().map(adjust).toList()).build();
        } catch (io.etlcdc.core.error.ConfigException e) {
            throw new ConfigException(text != null && !text.isBlank() ? RULES : RULES_FILE, null, e.getMessage());
        }
    }
}
