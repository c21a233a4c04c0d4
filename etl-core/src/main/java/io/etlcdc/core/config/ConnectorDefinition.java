package io.etlcdc.core.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A source or sink as users declare it, in {@code config/cdc.yaml}, {@code config/connectors.yaml} or
 * through the API: {@code {"id", "type", "connection_string", "config": {...}}}. {@link #toString()}
 * and {@link #masked()} never show secrets.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectorDefinition(
        @JsonProperty("id") String id,
        @JsonProperty("type") String type,
        @JsonProperty("connection_string") String connectionString,
        @JsonProperty("config") Map<String, Object> config) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    public ConnectorDefinition {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        config = config == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    /** True when the id is usable in asset names, URLs and file names. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    @JsonIgnore
    public Configuration configuration() {
        return Configuration.of(config);
    }

    /** A copy safe to show: password in the connection string and secret-looking config keys masked. */
    public ConnectorDefinition masked() {
        return new ConnectorDefinition(id, type, Secrets.maskText(connectionString), Secrets.maskValues(config));
    }

    /** A copy with one config value replaced. */
    public ConnectorDefinition withConfig(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(config);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new ConnectorDefinition(id, type, connectionString, copy);
    }

    @Override
    public String toString() {
        ConnectorDefinition m = masked();
        return "ConnectorDefinition[id=" + m.id + ", type=" + m.type + ", connection_string=" + m.connectionString
                + ", config=" + m.config + "]";
    }
}
