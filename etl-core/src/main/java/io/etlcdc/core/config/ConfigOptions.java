package io.etlcdc.core.config;

import io.etlcdc.core.config.ConfigOption.OptionType;

import java.util.List;
import java.util.Map;

/**
 * Entry point for declaring options:
 * <pre>{@code
 * static final ConfigOption<Double> POLL_INTERVAL = ConfigOptions.key("poll_interval")
 *         .doubleType().defaultValue(1.0).withValidator(Validator.range(0.001, 3600))
 *         .withDescription("Seconds between polls when the source is idle.");
 * }</pre>
 */
public final class ConfigOptions {
    private ConfigOptions() {}

    public static TypeStep key(String key) {
        return new TypeStep(key);
    }

    /** Chooses the option's type. */
    public static final class TypeStep {
        private final String key;

        private TypeStep(String key) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("option key must not be blank");
            }
            this.key = key;
        }

        public DefaultStep<Boolean> booleanType() { return new DefaultStep<>(key, OptionType.BOOLEAN); }
        public DefaultStep<Integer> intType() { return new DefaultStep<>(key, OptionType.INT); }
        public DefaultStep<Long> longType() { return new DefaultStep<>(key, OptionType.LONG); }
        public DefaultStep<Double> doubleType() { return new DefaultStep<>(key, OptionType.DOUBLE); }
        public DefaultStep<String> stringType() { return new DefaultStep<>(key, OptionType.STRING); }
        public DefaultStep<List<String>> stringListType() { return new DefaultStep<>(key, OptionType.STRING_LIST); }
        public DefaultStep<Map<String, Object>> mapType() { return new DefaultStep<>(key, OptionType.MAP); }
    }

    /** Gives the option a default or declares it without one. */
    public static final class DefaultStep<T> {
        private final String key;
        private final OptionType type;

        private DefaultStep(String key, OptionType type) {
            this.key = key;
            this.type = type;
        }

        public ConfigOption<T> defaultValue(T value) {
            return new ConfigOption<>(key, type, value, null, null, false);
        }

        public ConfigOption<T> noDefaultValue() {
            return new ConfigOption<>(key, type, null, null, null, false);
        }
    }
}
