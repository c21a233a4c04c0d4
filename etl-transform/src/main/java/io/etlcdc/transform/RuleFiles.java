package io.etlcdc.transform;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.etlcdc.core.error.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads rule files: {@code config/transformations.yaml} ({@code rules:} list), the same in JSON, or a
 * bare list of rules. Unknown rule fields are refused, naming the field. Thread-safe.
 */
public final class RuleFiles {
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RuleFiles() {}

    /** Parses YAML or JSON text (JSON is YAML) holding {@code rules: [...]} or a list of rules. */
    public static List<RuleDefinition> parse(String text) {
        try {
            Object tree = YAML.readValue(text, Object.class);
            Object rules = tree instanceof Map<?, ?> m ? m.get("rules") : tree;
            if (rules == null) {
                return List.of();
            }
            if (!(rules instanceof List)) {
                throw new ConfigException("rules", null, "must be a list of rules");
            }
            return YAML.convertValue(rules, new TypeReference<List<RuleDefinition>>() { });
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("rules", null, "cannot read the rules: " + e.getMessage().split("\n")[0]);
        }
    }

    /** Reads a rule file. */
    public static List<RuleDefinition> load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("rules", file.toString(), "cannot read the file: " + e.getMessage());
        }
    }
}
