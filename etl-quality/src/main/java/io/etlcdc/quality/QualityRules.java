package io.etlcdc.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.etlcdc.core.annotation.PublicEvolving;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.quality.internal.ExpressionEngines;
import io.etlcdc.quality.internal.RuleCompiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading and validating quality rules: from {@code config/quality.yaml} (a {@code rules:} list),
 * from a JSON/YAML map (a request body), or a single {@link QualityRule}. Every method reports every
 * problem at once, each naming the bad part ({@code rules[2].parameters.regex}), through a
 * {@link ConfigException} whose {@link ConfigException#errors()} the server returns as a 400.
 *
 * <p>{@code expression} rules are compiled with the {@code jinja2} expression engine found on this
 * class's class loader; use {@link QualityGate#validate} to validate with a gate's own engine.
 * Thread-safe.
 */
@PublicEvolving
public final class QualityRules {
    /** Where the server reads rules from, relative to its working directory. */
    public static final String DEFAULT_FILE = "config/quality.yaml";

    private static final Set<String> RULE_KEYS = Set.of("rule_id", "name", "target", "field", "check", "parameters",
            "severity", "action");
    private static final String RULE_KEY_LIST = "rule_id, name, target, field, check, parameters, severity, action";
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final RuleCompiler DEFAULT_COMPILER = new RuleCompiler(
            ExpressionEngines.lookup(ExpressionEngines.DEFAULT_LANGUAGE, QualityRules.class.getClassLoader()));

    private QualityRules() {}

    /** Every problem with a rule (unknown check, invalid regex, missing parameter, bad severity or action, ...); empty when valid. */
    public static List<ConfigError> validate(QualityRule rule) {
        return DEFAULT_COMPILER.validate(rule);
    }

    /**
     * A rule from a parsed JSON or YAML object (a request body), refusing unknown keys and values of the
     * wrong kind, and validated.
     *
     * @throws ConfigException listing every problem
     */
    public static QualityRule fromMap(Map<String, ?> map) {
        List<ConfigError> errors = new ArrayList<>();
        QualityRule rule = read(map, "", errors);
        if (errors.isEmpty()) {
            errors.addAll(DEFAULT_COMPILER.validate(rule));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(ruleContext(rule), errors);
        }
        return rule;
    }

    /**
     * Rules from parsed objects (the {@code rules:} list of a config file already read as YAML or JSON),
     * refusing unknown keys and values of the wrong kind, and validated; keys in errors are prefixed
     * {@code rules[i].}.
     *
     * @throws ConfigException listing every problem, including duplicate rule ids
     */
    public static List<QualityRule> fromMaps(List<? extends Map<String, ?>> maps) {
        List<ConfigError> errors = new ArrayList<>();
        List<QualityRule> rules = new ArrayList<>(maps.size());
        Set<Integer> malformed = new HashSet<>();
        for (int i = 0; i < maps.size(); i++) {
            int before = errors.size();
            rules.add(read(maps.get(i), "rules[" + i + "].", errors));
            if (errors.size() > before) {
                malformed.add(i);
            }
        }
        validateAll(new Document(rules, malformed), DEFAULT_COMPILER, errors);
        if (!errors.isEmpty()) {
            throw new ConfigException("quality rules", errors);
        }
        return rules;
    }

    /**
     * The rules of a {@code quality.yaml} document, validated.
     *
     * @param origin names the document in errors, e.g. the file path
     * @throws ConfigException listing every problem
     */
    public static List<QualityRule> parseYaml(String yaml, String origin) {
        return parseYaml(yaml, origin, DEFAULT_COMPILER);
    }

    /**
     * The rules of a {@code quality.yaml} file, validated.
     *
     * @throws ConfigException listing every problem, or when the file cannot be read
     */
    public static List<QualityRule> load(Path file) {
        return parseYaml(read(file), file.toString());
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), null, "quality rules file not found");
        } catch (IOException e) {
            throw new EtlException(ErrorCode.CONFIG_INVALID, "cannot read quality rules file " + file + ": " + e.getMessage(), e);
        }
    }

    static List<QualityRule> parseYaml(String yaml, String origin, RuleCompiler compiler) {
        List<ConfigError> errors = new ArrayList<>();
        Document doc = readDocument(yaml, errors);
        validateAll(doc, compiler, errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(origin, errors);
        }
        return doc.rules();
    }

    /**
     * The rules of a document; {@code malformed} holds the indexes of rules that had structural problems
     * (already reported), which validation skips so that each problem is reported once.
     */
    record Document(List<QualityRule> rules, Set<Integer> malformed) {}

    /** Adds every problem of a rule list (each rule, and duplicate ids) to {@code errors}, keys prefixed {@code rules[i].}. */
    static void validateAll(Document doc, RuleCompiler compiler, List<ConfigError> errors) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < doc.rules().size(); i++) {
            QualityRule rule = doc.rules().get(i);
            if (!doc.malformed().contains(i)) {
                compiler.compile(rule, "rules[" + i + "].", errors);
            }
            if (rule.ruleId() != null && !ids.add(rule.ruleId())) {
                errors.add(new ConfigError("rules[" + i + "].rule_id", rule.ruleId(), "duplicate rule id"));
            }
        }
    }

    /** The rules of a document, adding a problem for each structural error (not validated). */
    static Document readDocument(String yaml, List<ConfigError> errors) {
        Object doc;
        try {
            doc = yaml == null || yaml.isBlank() ? null : YAML.readValue(yaml, Object.class);
        } catch (JsonProcessingException e) {
            errors.add(new ConfigError("(document)", null, "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr())));
            return new Document(List.of(), Set.of());
        }
        if (doc == null) {
            return new Document(List.of(), Set.of());
        }
        if (!(doc instanceof Map<?, ?> top)) {
            errors.add(new ConfigError("(document)", null, "expected a mapping with a 'rules' list"));
            return new Document(List.of(), Set.of());
        }
        for (Object key : top.keySet()) {
            if (!"rules".equals(key)) {
                errors.add(new ConfigError(String.valueOf(key), null, "unknown key; expected 'rules'"));
            }
        }
        Object list = top.get("rules");
        if (list == null) {
            return new Document(List.of(), Set.of());
        }
        if (!(list instanceof List<?> entries)) {
            errors.add(new ConfigError("rules", null, "expected a list of rules"));
            return new Document(List.of(), Set.of());
        }
        List<QualityRule> rules = new ArrayList<>(entries.size());
        Set<Integer> malformed = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            if (!(entry instanceof Map<?, ?> m)) {
                errors.add(new ConfigError("rules[" + i + "]", null, "expected a mapping with rule_id, check, ..."));
                malformed.add(i);
                rules.add(new QualityRule(null, null, null, null, null, null, null, null));
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, ?> fields = (Map<String, ?>) m;
            int before = errors.size();
            rules.add(read(fields, "rules[" + i + "].", errors));
            if (errors.size() > before) {
                malformed.add(i);
            }
        }
        return new Document(rules, malformed);
    }

    /** Reads the fields of one rule, adding a problem for each unknown key or value of the wrong kind. */
    static QualityRule read(Map<String, ?> map, String prefix, List<ConfigError> errors) {
        for (String key : map.keySet()) {
            if (!RULE_KEYS.contains(key)) {
                errors.add(new ConfigError(prefix + key, null, "unknown key; known keys are " + RULE_KEY_LIST));
            }
        }
        Object params = map.get("parameters");
        Map<String, Object> parameters = null;
        if (params instanceof Map<?, ?> pm) {
            parameters = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : pm.entrySet()) {
                parameters.put(String.valueOf(e.getKey()), e.getValue());
            }
        } else if (params != null) {
            errors.add(new ConfigError(prefix + "parameters", params, "expected a mapping of parameter names to values"));
        }
        return new QualityRule(text(map, "rule_id", prefix, errors), text(map, "name", prefix, errors),
                text(map, "target", prefix, errors), text(map, "field", prefix, errors), text(map, "check", prefix, errors),
                parameters, text(map, "severity", prefix, errors), text(map, "action", prefix, errors));
    }

    private static String text(Map<String, ?> map, String key, String prefix, List<ConfigError> errors) {
        Object v = map.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
            errors.add(new ConfigError(prefix + key, null, "expected a text value"));
            return null;
        }
        return String.valueOf(v);
    }

    private static String ruleContext(QualityRule rule) {
        return rule.ruleId() == null ? "quality rule" : "quality rule '" + rule.ruleId() + "'";
    }
}
