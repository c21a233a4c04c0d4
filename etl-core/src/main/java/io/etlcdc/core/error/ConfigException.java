package io.etlcdc.core.error;

import java.util.List;

/**
 * A configuration error naming the key, the value and what was expected, for instance
 * {@code Invalid value 'abc' for configuration 'poll_interval': expected a number}.
 * When several keys are wrong the message lists each one (see {@link #errors()}).
 */
public class ConfigException extends EtlException {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigError> errors;

    /** One problem with one key. {@code value} is already masked when the key holds a secret. */
    public record ConfigError(String key, Object value, String message) {
        @Override
        public String toString() {
            if (value == null) {
                return "'" + key + "': " + message;
            }
            return "'" + key + "' = '" + value + "': " + message;
        }
    }

    public ConfigException(String key, Object value, String message) {
        this(null, List.of(new ConfigError(key, value, message)));
    }

    public ConfigException(String context, List<ConfigError> errors) {
        super(ErrorCode.CONFIG_INVALID, format(context, errors));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }

    private static String format(String context, List<ConfigError> errors) {
        StringBuilder sb = new StringBuilder();
        if (context != null && !context.isBlank()) {
            sb.append(context).append(": ");
        }
        if (errors.size() == 1) {
            ConfigError e = errors.get(0);
            sb.append(e.value() == null
                    ? "configuration '" + e.key() + "': " + e.message()
                    : "invalid value '" + e.value() + "' for configuration '" + e.key() + "': " + e.message());
            return sb.toString();
        }
        sb.append(errors.size()).append(" configuration errors:");
        for (ConfigError e : errors) {
            sb.append("\n  - ").append(e);
        }
        return sb.toString();
    }
}
