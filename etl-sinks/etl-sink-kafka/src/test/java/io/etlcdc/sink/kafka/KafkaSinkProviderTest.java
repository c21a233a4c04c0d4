package io.etlcdc.sink.kafka;

import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.spi.ProviderContext;
import io.etlcdc.core.spi.ProviderRegistry;
import io.etlcdc.core.spi.SinkProvider;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;

import static io.etlcdc.core.testing.Events.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSinkProviderTest {

    private static ProviderContext ctx(Map<String, Object> config) {
        return ProviderContext.of(new ConnectorDefinition("events", "kafka", null, config));
    }

    @Test
    void isFoundByServiceLoaderAsKafka() {
        assertThat(ProviderRegistry.load(SinkProvider.class, getClass().getClassLoader()).get("kafka"))
                .isInstanceOf(KafkaSinkProvider.class);
    }

    @Test
    void theSpecExampleGivesTheDocumentedDefaults() {
        KafkaSinkSettings s = new KafkaSinkProvider(k -> null)
                .settings(ctx(Map.of("bootstrap_servers", "localhost:9092", "topic_prefix", "etl.")));
        assertThat(s.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(s.topicPrefix()).isEqualTo("etl.");
        assertThat(s.transactionalId()).isNull();
        assertThat(s.createTopics()).isTrue();
        assertThat(s.topicPartitions()).isEqualTo(1);
        assertThat(s.replicationFactor()).isEqualTo((short) -1);
        assertThat(s.ddlEvents()).isTrue();
        assertThat(new KafkaSink(s).topic("postgres_main", "public.users")).isEqualTo("etl.postgres_main.users");
    }

    @Test
    void bootstrapServersDefaultToTheEnvironment() {
        KafkaSinkProvider withEnv = new KafkaSinkProvider(k -> k.equals("KAFKA_BOOTSTRAP_SERVERS") ? "broker:29092" : null);
        assertThat(withEnv.settings(ctx(Map.of())).bootstrapServers()).isEqualTo("broker:29092");
        KafkaSinkProvider noEnv = new KafkaSinkProvider(k -> null);
        assertThat(noEnv.validate(new ConnectorDefinition("events", "kafka", null, Map.of())))
                .extracting(ConfigException.ConfigError::key).containsExactly("bootstrap_servers");
    }

    @Test
    void clientPropertiesPassThroughButNotTheOnesExactlyOnceNeeds() {
        KafkaSinkProvider p = new KafkaSinkProvider(k -> null);
        KafkaSinkSettings s = p.settings(ctx(Map.of("bootstrap_servers", "h:1", "kafka.compression.type", "lz4")));
        Properties props = new KafkaSink(s).producerProperties();
        assertThat(props).containsEntry("compression.type", "lz4").containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all");
        assertThatThrownBy(() -> p.settings(ctx(Map.of("bootstrap_servers", "h:1", "kafka.acks", "1",
                "kafka.enable.idempotence", "false", "topic_partitions", 0))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.acks").hasMessageContaining("kafka.enable.idempotence").hasMessageContaining("topic_partitions");
    }

    @Test
    void topicNamesAreMadeLegal() {
        KafkaSink sink = new KafkaSink(KafkaSinkSettings.defaults("e", "h:1").withTopicPrefix("etl."));
        assertThat(sink.topic("my source", "db.order items")).isEqualTo("etl.my_source.order_items");
    }

    @Test
    void positionsRoundTripThroughTheHeader() {
        Position p = Position.of(23712344L, 771L, 3L);
        assertThat(KafkaSink.positionOf(new RecordHeader(KafkaSink.POSITION_HEADER, KafkaSink.positionBytes(p)))).isEqualTo(p);
        Position s = Position.of("82613A7F");
        assertThat(KafkaSink.positionOf(new RecordHeader(KafkaSink.POSITION_HEADER, KafkaSink.positionBytes(s)))).isEqualTo(s);
    }

    @Test
    void theEnvelopeCarriesTheDebeziumFields() throws Exception {
        DebeziumEnvelope env = new DebeziumEnvelope(Clock.fixed(Instant.ofEpochMilli(42), ZoneOffset.UTC));
        ChangeEvent e = ChangeEvent.update("pg", "inventory.orders", row("id", 7L), row("id", 7L, "qty", 1),
                row("id", 7L, "qty", 2), Position.of(9L));
        String value = new String(env.value(e), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(value).startsWith("{\"before\":{\"id\":7,\"qty\":1},\"after\":{\"id\":7,\"qty\":2},\"source\":{")
                .contains("\"name\":\"pg\"", "\"db\":\"inventory\"", "\"table\":\"orders\"", "\"sequence\":\"9\"")
                .endsWith("\"op\":\"u\",\"ts_ms\":42}");
        assertThat(new String(env.key(e), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"id\":7}");
    }
}
