package io.etlcdc.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the configuration directory, layouts as in SPEC.md:
 * <ul>
 *   <li>{@code cdc.yaml}: {@code sources:} list of {@code id, type, connection_string} plus options, either
 *   at the top level of the entry (as in the spec's YAML: {@code poll_interval}, {@code tables}) or under
 *   {@code config:} (as in the API);</li>
 *   <li>{@code connectors.yaml}: {@code sinks:} list, same shape;</li>
 *   <li>{@code transformations.yaml}: {@code rules:} list of transformation rules;</li>
 *   <li>{@code quality.yaml}: {@code rules:} list of quality rules.</li>
 * </ul>
 * Missing files mean "none". {@code ${VAR}} and {@code ${VAR:-default}} are replaced from the
 * environment. A bad file stops the start with the file, the key and the reason.
 */
public final class ConfigFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Set<String> CONNECTOR_KEYS = Set.of("id", "type", "connection_string", "config");

    /** What the directory declares. Rules stay raw maps: their modules validate them. */
    public record Loaded(List<ConnectorDefinition> sources, List<ConnectorDefinition> sinks,
                         List<Map<String, Object>> transformationRules, List<Map<String, Object>> qualityRules) {
        public static Loaded empty() {
            return new Loaded(List.of(), List.of(), List.of(), List.of());
        }
    }

    private ConfigFiles() {}

    /**
     * Loads every file of the directory.
     *
     * @throws ConfigException naming the file, the key and the reason for every problem found
     */
    public static Loaded load(Path dir, Function<String, String> env) {
        if (!Files.isDirectory(dir)) {
            return Loaded.empty();
        }
        List<ConfigError> errors = new ArrayList<>();
        List<String> substituted = new ArrayList<>();
        List<ConnectorDefinition> sources = connectors(dir.resolve("cdc.yaml"), "sources", env, errors, substituted);
        List<ConnectorDefinition> sinks = connectors(dir.resolve("connectors.yaml"), "sinks", env, errors, substituted);
        List<Map<String, Object>> rules = list(dir.resolve("transformations.yaml"), "rules", env, errors, substituted);
        List<Map<String, Object>> quality = list(dir.resolve("quality.yaml"), "rules", env, errors, substituted);
        if (!errors.isEmpty()) {
            // values from the environment (passwords) never appear in an error, wherever the file put them
            throw new ConfigException("invalid configuration in " + dir, errors.stream().map(e -> new ConfigError(
                    withoutValues(e.key(), substituted), e.value() == null ? null : withoutValues(String.valueOf(e.value()), substituted),
                    withoutValues(e.message(), substituted))).toList());
        }
        return new Loaded(sources, sinks, rules, quality);
    }

    private static List<ConnectorDefinition> connectors(Path file, String listKey, Function<String, String> env, List<ConfigError> errors,
                                                        List<String> substituted) {
        List<Map<String, Object>> entries = list(file, listKey, env, errors, substituted);
        List<ConnectorDefinition> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Object> e = entries.get(i);
            String where = file.getFileName() + ": " + listKey + "[" + i + "]";
            Object id = e.get("id");
            Object type = e.get("type");
            boolean ok = true;
            if (!(id instanceof String s) || !ConnectorDefinition.isValidId(s)) {
                errors.add(new ConfigError(where + ".id", id, "is required: letters, digits, '_', '-', '.' (at most 128)"));
                ok = false;
            } else if (!ids.add(s)) {
                errors.add(new ConfigError(where + ".id", id, "is used twice in " + listKey));
                ok = false;
            }
            if (!(type instanceof String t) || t.isBlank()) {
                errors.add(new ConfigError(where + ".type", type, "is required, e.g. postgresql, mysql, mongodb, jdbc, kafka, file"));
                ok = false;
            }
            Object cs = e.get("connection_string");
            if (cs != null && !(cs instanceof String)) {
                errors.add(new ConfigError(where + ".connection_string", null, "must be a string"));
                ok = false;
            }
            Object nested = e.get("config");
            if (nested != null && !(nested instanceof Map)) {
                errors.add(new ConfigError(where + ".config", null, "must be a mapping of options"));
                ok = false;
            }
            if (!ok) {
                continue;
            }
            Map<String, Object> config = new LinkedHashMap<>();
            e.forEach((k, v) -> {
                if (!CONNECTOR_KEYS.contains(k)) {
                    config.put(k, v);
                }
            });
            if (nested != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) nested;
                config.putAll(m);
            }
            out.add(new ConnectorDefinition((String) id, (String) type, (String) cs, config));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Path file, String listKey, Function<String, String> env, List<ConfigError> errors,
                                                  List<String> substituted) {
        if (!Files.exists(file)) {
            return List.of();
        }
        Object root;
        try {
            String text = substitute(Files.readString(file, StandardCharsets.UTF_8), file, env, errors, substituted);
            root = YAML.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            errors.add(new ConfigError(file.getFileName().toString(), null, "is not valid YAML" + where + ": "
                    + withoutExcerpt(e.getOriginalMessage())));
            return List.of();
        } catch (IOException e) {
            errors.add(new ConfigError(file.getFileName().toString(), null, "cannot be read: " + e.getMessage()));
            return List.of();
        }
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof Map<?, ?> m)) {
            errors.add(new ConfigError(file.getFileName().toString(), null, "must be a mapping with a '" + listKey + ":' list"));
            return List.of();
        }
        for (Object k : m.keySet()) {
            if (!listKey.equals(k)) {
                errors.add(new ConfigError(file.getFileName() + ": " + k, null, "unknown key; expected only '" + listKey + ":'"));
            }
        }
        Object list = m.get(listKey);
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List<?> items)) {
            errors.add(new ConfigError(file.getFileName() + ": " + listKey, null, "must be a list"));
            return List.of();
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof Map<?, ?> entry) {
                out.add((Map<String, Object>) entry);
            } else {
                errors.add(new ConfigError(file.getFileName() + ": " + listKey + "[" + i + "]", null, "must be a mapping"));
            }
        }
        return out;
    }

    /** The parser's reason without the excerpt of the offending line it appends (the line may hold a password). */
    private static String withoutExcerpt(String message) {
        String reason = message == null ? "" : message;
        int excerpt = reason.indexOf("\n in '");
        return (excerpt >= 0 ? reason.substring(0, excerpt) : reason).strip();
    }

    /** The text with every value substituted from the environment masked (passwords are put in files that way). */
    private static String withoutValues(String text, List<String> substituted) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String value : substituted) {
            if (value.length() >= 3) {
                out = out.replace(value, "****");
            }
        }
        return io.etlcdc.core.config.Secrets.maskText(out);
    }

    private static String substitute(String text, Path file, Function<String, String> env, List<ConfigError> errors,
                                     List<String> substituted) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) {
                value = m.group(3);
            }
            if (value == null) {
                errors.add(new ConfigError(file.getFileName() + ": ${" + m.group(1) + "}", null,
                        "environment variable is not set (use ${" + m.group(1) + ":-default} for a default)"));
                value = "";
            }
            substituted.add(value);
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
