package io.etlcdc.cdc.mongodb;

import io.etlcdc.cdc.debezium.DebeziumSettings;
import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.ConnectionString;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.spi.SourceProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MongoSourceProviderTest {
    private static final String URL = "mongodb://cdc:s3cret@h1:27017,h2:27017/shop?replicaSet=rs0&authSource=admin";
    private final MongoSourceProvider provider = new MongoSourceProvider();

    private static List<String> keys(List<ConfigError> errors) {
        return errors.stream().map(ConfigError::key).toList();
    }

    @Test
    void isFoundByTypeNameThroughServiceLoader() {
        assertThat(java.util.ServiceLoader.load(SourceProvider.class).stream().map(p -> p.get().identifier()))
                .contains("mongodb");
        assertThat(provider.aliases()).contains("mongo");
    }

    @Test
    void everyProblemWithADefinitionIsReportedPerKeyWithoutThePassword() {
        assertThat(provider.validate(new ConnectorDefinition("m", "mongodb", URL, Map.of("tables", List.of("orders", "other.items")))))
                .isEmpty();
        List<ConfigError> errors = provider.validate(new ConnectorDefinition("m", "mongodb", "mongodb://cdc:s3cret@h1:27017",
                Map.of("tables", List.of("$bad"), "poll_interval", "soon", "colections", List.of("x"), "debezium.anything", "ok")));
        // debezium.* with the driver engine (the default): refused, not ignored
        assertThat(keys(errors)).containsExactlyInAnyOrder("connection_string", "tables", "poll_interval", "colections", "debezium.anything");
        assertThat(errors.toString()).contains("engine is driver (the default)");
        assertThat(provider.validate(new ConnectorDefinition("m", "mongodb", URL, Map.of("engine", "debezium", "debezium.anything", "ok"))))
                .isEmpty();
        assertThat(errors.toString()).doesNotContain("s3cret").contains("names no database");
        assertThat(keys(provider.validate(new ConnectorDefinition("m", "mongodb", "mysql://u:p@h/db", Map.of()))))
                .containsExactly("connection_string");
        List<ConfigError> engine = provider.validate(new ConnectorDefinition("m", "mongodb", URL, Map.of("engine", "native")));
        assertThat(keys(engine)).containsExactly("engine");
        assertThat(engine.toString()).contains("driver", "debezium");
    }

    @Test
    void theConnectorIsConfiguredForARealReplicaSetOrShardedCluster() {
        Configuration config = Configuration.of(Map.of("tables", List.of("orders", "other.items"), "snapshot_mode", "never"));
        ConnectionString cs = ConnectionString.parse(URL);
        DebeziumSettings settings = DebeziumSettings.from("mongo_main", cs, config);
        MongoDialect dialect = new MongoDialect(MongoEndpoint.of(cs), "mongo_main", config);
        List<String> collections = settings.tables().stream().map(dialect::qualify).toList();
        assertThat(collections).containsExactly("shop.orders", "other.items");
        Map<String, String> p = dialect.connectorProperties(settings, collections);
        assertThat(p).containsEntry("mongodb.connection.string", URL)
                .containsEntry("capture.mode", "change_streams_update_full")
                .containsEntry("snapshot.mode", "no_data")
                .containsEntry("database.include.list", "\\Qshop\\E,\\Qother\\E")
                .containsEntry("collection.include.list", "\\Qshop.orders\\E,\\Qother.items\\E")
                .containsEntry("capture.scope", "deployment")
                .doesNotContainKeys("capture.target", "cursor.pipeline");
        assertThat(dialect.connectorProperties(settings, List.of("shop.orders", "shop.customers")))
                .containsEntry("capture.scope", "database").containsEntry("capture.target", "shop");
        assertThat(dialect.sourcePartition(settings)).isEqualTo(Map.of("server_id", "mongo_main"));
        MongoDialect withPreImages = new MongoDialect(MongoEndpoint.of(cs), "mongo_main", config.with("pre_images", true));
        assertThat(withPreImages.connectorProperties(settings, collections))
                .containsEntry("capture.mode", "change_streams_update_full_with_pre_image");
    }

    @Test
    void optionDefaultsArePinned() {
        assertThat(MongoOptions.PRE_IMAGES.defaultValue()).isFalse();
        assertThat(provider.optionalOptions()).extracting(ConfigOption::key)
                .contains("tables", "poll_interval", "snapshot_mode", "heartbeat_interval", "pre_images", "engine");
        assertThat(MongoOptions.ENGINE.defaultValue()).isEqualTo("driver");
        assertThat(provider.passThroughPrefixes()).containsExactly("debezium.");
    }
}
