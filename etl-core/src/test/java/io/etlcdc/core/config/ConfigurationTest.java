package io.etlcdc.core.config;

import io.etlcdc.core.connectors.JsonLinesFileSinkProvider;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.pipeline.PipelineBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigurationTest {
    static final ConfigOption<Double> POLL = ConfigOptions.key("poll_interval").doubleType().defaultValue(1.0)
            .withValidator(Validator.range(0.001, 3600));
    static final ConfigOption<List<String>> TABLES = ConfigOptions.key("tables").stringListType().noDefaultValue();
    static final ConfigOption<Integer> BATCH = ConfigOptions.key("batch_size").intType().defaultValue(1000).withValidator(Validator.positive());
    static final ConfigOption<Boolean> AUTO = ConfigOptions.key("auto_create").booleanType().defaultValue(false);
    static final ConfigOption<String> PASSWORD = ConfigOptions.key("password").stringType().noDefaultValue().secret();

    @Test
    void convertsTheShapesYamlJsonAndEnvironmentGive() {
        Configuration c = Configuration.of(Map.of("poll_interval", "0.5", "tables", "users, orders", "batch_size", 500.0, "auto_create", "yes"));
        assertThat(c.get(POLL)).isEqualTo(0.5);
        assertThat(c.get(TABLES)).containsExactly("users", "orders");
        assertThat(c.get(BATCH)).isEqualTo(500);
        assertThat(c.get(AUTO)).isTrue();
        assertThat(Configuration.of(Map.of("tables", List.of("users", "orders"))).get(TABLES)).containsExactly("users", "orders");
        assertThat(Configuration.empty().get(POLL)).isEqualTo(1.0);
        assertThat(Configuration.empty().getOptional(TABLES)).isEmpty();
    }

    @Test
    void aBadValueNamesTheKeyTheValueAndWhatWasExpected() {
        assertThatThrownBy(() -> Configuration.of(Map.of("poll_interval", "soon")).get(POLL))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid value 'soon' for configuration 'poll_interval': expected a number");
        assertThatThrownBy(() -> Configuration.of(Map.of("poll_interval", 0)).get(POLL))
                .hasMessageContaining("'poll_interval'").hasMessageContaining("between 0.001 and 3600");
        assertThatThrownBy(() -> Configuration.of(Map.of("batch_size", 1.5)).get(BATCH))
                .hasMessageContaining("expected a whole number");
    }

    @Test
    void validationReturnsEveryProblemAndAllowsPassThroughPrefixes() {
        Configuration c = Configuration.of(Map.of("poll_interval", "x", "batch_size", -1, "colour", "red",
                "debezium.slot.name", "etl"));
        List<ConfigError> errors = c.validate(Set.of(TABLES), Set.of(POLL, BATCH), Set.of("debezium."));
        assertThat(errors).extracting(ConfigError::key).containsExactlyInAnyOrder("tables", "poll_interval", "batch_size", "colour");
        assertThat(errors).filteredOn(e -> e.key().equals("colour")).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("unknown option").contains("poll_interval").contains("debezium.*"));
        assertThat(c.withPrefix("debezium.")).containsExactly(Map.entry("slot.name", "etl"));
    }

    @Test
    void secretsAreMaskedInErrorsAndToString() {
        assertThatThrownBy(() -> Configuration.of(Map.of("password", List.of("hunter2"))).get(PASSWORD))
                .hasMessageNotContaining("hunter2").hasMessageContaining("****");
        assertThat(Configuration.of(Map.of("password", "hunter2", "url", "postgresql://u:hunter2@h/db")).toString())
                .doesNotContain("hunter2");
    }

    @Test
    void aBadDefaultFailsWhereTheOptionIsDeclared() {
        assertThatThrownBy(() -> ConfigOptions.key("x").intType().defaultValue(0).withValidator(Validator.positive()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'x'");
    }

    /** Pins every default users rely on: changing one is a conscious decision. */
    @Test
    void defaultsArePinned() {
        assertThat(PipelineBuilder.DEFAULT_BUFFER_SIZE).isEqualTo(10_000);
        assertThat(PipelineBuilder.DEFAULT_MAX_BATCH_SIZE).isEqualTo(2_000);
        assertThat(JsonLinesFileSinkProvider.ROTATE_BYTES.defaultValue()).isEqualTo(256L * 1024 * 1024);
        assertThat(JsonLinesFileSinkProvider.FSYNC.defaultValue()).isTrue();
        assertThat(JsonLinesFileSinkProvider.PATH.hasDefault()).isFalse();
    }
}
