package io.etlcdc.core.config;

import java.util.Objects;

/**
 * A typed configuration option, declared once with its type, default, validator and documentation.
 * Build with {@link ConfigOptions#key(String)}. The default is checked against the validator when the
 * option is declared, so a bad default fails at class-load time rather than in production.
 *
 * @param <T> the Java type of the value
 */
public final class ConfigOption<T> {
    private final String key;
    private final OptionType type;
    private final T defaultValue;
    private final String description;
    private final Validator<T> validator;
    private final boolean secret;

    ConfigOption(String key, OptionType type, T defaultValue, String description, Validator<T> validator, boolean secret) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = Objects.requireNonNull(type, "type");
        this.defaultValue = defaultValue;
        this.description = description == null ? "" : description;
        this.validator = validator == null ? Validator.any() : validator;
        this.secret = secret;
        if (defaultValue != null) {
            String problem = this.validator.check(defaultValue);
            if (problem != null) {
                throw new IllegalStateException("default value '" + defaultValue + "' of option '" + key + "' is invalid: " + problem);
            }
        }
    }

    public String key() { return key; }
    public OptionType type() { return type; }
    /** The default, or null when the option has none. */
    public T defaultValue() { return defaultValue; }
    public boolean hasDefault() { return defaultValue != null; }
    public String description() { return description; }
    public Validator<T> validator() { return validator; }
    /** True when the value must never be shown (passwords, tokens). */
    public boolean isSecret() { return secret; }

    /** A copy with a new default (checked against the validator). */
    public ConfigOption<T> withDefault(T newDefault) {
        return new ConfigOption<>(key, type, newDefault, description, validator, secret);
    }

    /** A copy with the given validator added. */
    public ConfigOption<T> withValidator(Validator<T> extra) {
        return new ConfigOption<>(key, type, defaultValue, description, validator.and(extra), secret);
    }

    /** A copy with the given description. */
    public ConfigOption<T> withDescription(String text) {
        return new ConfigOption<>(key, type, defaultValue, text, validator, secret);
    }

    /** A copy marked secret: its value is masked in errors, responses and logs. */
    public ConfigOption<T> secret() {
        return new ConfigOption<>(key, type, defaultValue, description, validator, true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigOption<?> other && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return key + " (" + type.name().toLowerCase(java.util.Locale.ROOT) + (hasDefault() ? ", default " + defaultValue : "") + ")";
    }

    /** The value kinds options can have; each knows how to convert YAML, JSON and environment text. */
    public enum OptionType { BOOLEAN, INT, LONG, DOUBLE, STRING, STRING_LIST, MAP }
}
