package io.etlcdc.core.config;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read-only configuration values as they came from YAML, JSON or the environment, read through typed
 * {@link ConfigOption}s. Values are converted on read: {@code "2"}, {@code 2} and {@code 2.0} all read
 * as the int 2; {@code "a,b"} and {@code [a, b]} as a string list.
 */
public final class Configuration {
    private static final Configuration EMPTY = new Configuration(Map.of());
    private final Map<String, Object> values;

    private Configuration(Map<String, Object> values) {
        this.values = values;
    }

    public static Configuration empty() {
        return EMPTY;
    }

    /** Wraps a copy of the map; null values count as absent. */
    public static Configuration of(Map<String, ?> values) {
        if (values == null || values.isEmpty()) {
            return EMPTY;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                copy.put(k, v);
            }
        });
        return new Configuration(Collections.unmodifiableMap(copy));
    }

    /** The raw values, read-only. */
    public Map<String, Object> asMap() {
        return values;
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public boolean contains(ConfigOption<?> option) {
        return values.containsKey(option.key());
    }

    /** A copy with one value set (null removes it). */
    public Configuration with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new Configuration(Collections.unmodifiableMap(copy));
    }

    /**
     * The option's value, or its default when absent.
     *
     * @throws ConfigException naming the key and value when it cannot be converted or fails validation
     */
    public <T> T get(ConfigOption<T> option) {
        return getOptional(option).orElse(option.defaultValue());
    }

    /** The option's value when set (converted and validated), otherwise empty; the default is not applied. */
    public <T> Optional<T> getOptional(ConfigOption<T> option) {
        Object raw = values.get(option.key());
        if (raw == null) {
            return Optional.empty();
        }
        T value = convert(option, raw);
        String problem = option.validator().check(value);
        if (problem != null) {
            throw new ConfigException(option.key(), shown(option, raw), problem);
        }
        return Optional.of(value);
    }

    /** The values under a pass-through prefix with the prefix removed, e.g. {@code debezium.} keys. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), String.valueOf(v));
            }
        });
        return out;
    }

    /**
     * Checks every value against the declared options: required ones present, no unknown keys (except
     * under a pass-through prefix), every value convertible and valid. Returns every problem, not just
     * the first.
     */
    public List<ConfigError> validate(Collection<ConfigOption<?>> required, Collection<ConfigOption<?>> optional,
                                      Collection<String> passThroughPrefixes) {
        List<ConfigError> errors = new ArrayList<>();
        Map<String, ConfigOption<?>> known = new LinkedHashMap<>();
        for (ConfigOption<?> o : required) {
            known.put(o.key(), o);
            if (!values.containsKey(o.key())) {
                errors.add(new ConfigError(o.key(), null, "is required" + describe(o)));
            }
        }
        for (ConfigOption<?> o : optional) {
            known.put(o.key(), o);
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            ConfigOption<?> option = known.get(e.getKey());
            if (option == null) {
                if (passThroughPrefixes.stream().noneMatch(e.getKey()::startsWith)) {
                    Set<String> names = new LinkedHashSet<>(known.keySet());
                    passThroughPrefixes.forEach(p -> names.add(p + "*"));
                    errors.add(new ConfigError(e.getKey(), null,
                            "unknown option; known options are " + (names.isEmpty() ? "(none)" : String.join(", ", names))));
                }
                continue;
            }
            try {
                getOptional(option);
            } catch (ConfigException ex) {
                errors.addAll(ex.errors());
            }
        }
        return errors;
    }

    /** Like {@link #validate} but throws one {@link ConfigException} listing every problem. */
    public void validateOrThrow(String context, Collection<ConfigOption<?>> required, Collection<ConfigOption<?>> optional,
                                Collection<String> passThroughPrefixes) {
        List<ConfigError> errors = validate(required, optional, passThroughPrefixes);
        if (!errors.isEmpty()) {
            throw new ConfigException(context, errors);
        }
    }

    @Override
    public String toString() {
        return Secrets.maskValues(values).toString();
    }

    private static String describe(ConfigOption<?> o) {
        return o.description().isEmpty() ? "" : " (" + o.description() + ")";
    }

    private static Object shown(ConfigOption<?> option, Object raw) {
        return option.isSecret() ? Secrets.MASK : raw;
    }

    @SuppressWarnings("unchecked")
    private static <T> T convert(ConfigOption<T> option, Object raw) {
        try {
            return (T) switch (option.type()) {
                case BOOLEAN -> toBoolean(raw);
                case INT -> Math.toIntExact(toWhole(raw));
                case LONG -> toWhole(raw);
                case DOUBLE -> toDouble(raw);
                case STRING -> raw instanceof Collection<?> || raw instanceof Map<?, ?> ? fail() : String.valueOf(raw);
                case STRING_LIST -> toList(raw);
                case MAP -> toMap(raw);
            };
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ConfigException(option.key(), shown(option, raw), "expected " + expected(option.type()));
        }
    }

    private static String expected(ConfigOption.OptionType type) {
        return switch (type) {
            case BOOLEAN -> "true or false";
            case INT, LONG -> "a whole number";
            case DOUBLE -> "a number";
            case STRING -> "a string";
            case STRING_LIST -> "a list of strings (or a comma-separated string)";
            case MAP -> "a mapping of keys to values";
        };
    }

    private static Object fail() {
        throw new IllegalArgumentException();
    }

    private static Boolean toBoolean(Object raw) {
        if (raw instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException();
        };
    }

    private static long toWhole(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return ((Number) raw).longValue();
        }
        double d = toDouble(raw);
        if (d != Math.rint(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException();
        }
        return (long) d;
    }

    private static double toDouble(Object raw) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        if (raw instanceof String s) {
            double d = Double.parseDouble(s.trim());
            if (Double.isNaN(d)) {
                throw new IllegalArgumentException();
            }
            return d;
        }
        throw new IllegalArgumentException();
    }

    private static List<String> toList(Object raw) {
        if (raw instanceof Collection<?> c) {
            List<String> out = new ArrayList<>(c.size());
            for (Object o : c) {
                if (o == null || o instanceof Collection<?> || o instanceof Map<?, ?>) {
                    throw new IllegalArgumentException();
                }
                out.add(String.valueOf(o));
            }
            return List.copyOf(out);
        }
        if (raw instanceof String s) {
            if (s.isBlank()) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return List.copyOf(out);
        }
        throw new IllegalArgumentException();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(Object raw) {
        if (raw instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
            return Collections.unmodifiableMap(out);
        }
        throw new IllegalArgumentException();
    }
}
