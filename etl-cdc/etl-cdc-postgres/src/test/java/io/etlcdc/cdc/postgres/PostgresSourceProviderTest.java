package io.etlcdc.cdc.postgres;

import io.etlcdc.cdc.debezium.DebeziumSource;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.spi.ProviderContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresSourceProviderTest {
    private final PostgresSourceProvider provider = new PostgresSourceProvider();

    private List<ConfigError> validate(Map<String, Object> config) {
        return provider.validate(new ConnectorDefinition("pg", "postgresql", "postgresql://u:p@localhost/db", config));
    }

    @Test
    void withoutAnEngineTheSourceIsTheNativeOne() {
        ConnectorDefinition d = new ConnectorDefinition("pg", "postgresql", "postgresql://u:p@localhost/db", Map.of("tables", List.of("users")));
        assertThat(provider.create(ProviderContext.builder("pg").definition(d).build())).isInstanceOf(NativePostgresSource.class);
        ConnectorDefinition debezium = new ConnectorDefinition("pg", "postgresql", "postgresql://u:p@localhost/db",
                Map.of("tables", List.of("users"), "engine", "debezium"));
        assertThat(provider.create(ProviderContext.builder("pg").definition(debezium).build())).isInstanceOf(DebeziumSource.class);
    }

    @Test
    void debeziumPropertiesNeedTheDebeziumEngine() {
        List<ConfigError> errors = validate(Map.of("tables", List.of("users"), "debezium.database.password", "s3cret"));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("debezium.database.password");
            assertThat(e.message()).contains("engine: debezium only").contains("(the default)").contains("set engine: debezium");
            assertThat(e.toString()).doesNotContain("s3cret");
        });
        assertThat(validate(Map.of("tables", List.of("users"), "engine", "native", "debezium.max.batch.size", 8192)))
                .singleElement().satisfies(e -> assertThat(e.message()).doesNotContain("(the default)"));
        assertThat(validate(Map.of("tables", List.of("users"), "engine", "debezium", "debezium.max.batch.size", 8192))).isEmpty();
        assertThat(validate(Map.of("tables", List.of("users")))).isEmpty();
    }
}
