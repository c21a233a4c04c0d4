package io.etlcdc.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.json.EtlJson;
import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerStartupTest {
    @TempDir
    Path dir;

    @Test
    void readsTheSpecsConfigLayoutsWithOptionsAtTheTopOrUnderConfig() throws Exception {
        Files.writeString(dir.resolve("cdc.yaml"), """
                sources:
                  - id: postgres_source
                    type: postgresql
                    connection_string: postgresql://user:${PG_PASSWORD}@localhost/db
                    poll_interval: 1
                    tables:
                      - users
                      - orders
                """);
        Files.writeString(dir.resolve("connectors.yaml"), """
                sinks:
                  - id: archive
                    type: file
                    config: { path: ./data/out/events.jsonl }
                """);
        Files.writeString(dir.resolve("transformations.yaml"), """
                rules:
                  - rule_id: mask_pii
                    name: Mask PII Data
                    rule_type: map
                    source_fields: [email, phone]
                    target_field: masked_data
                    expression: |
                      {
                        "email": "***@{{ email.split('@')[1] }}",
                        "phone": "***-***-{{ phone[-4:] }}"
                      }
                """);
        ConfigFiles.Loaded loaded = ConfigFiles.load(dir, Map.of("PG_PASSWORD", "s3cret")::get);
        ConnectorDefinition source = loaded.sources().get(0);
        assertThat(source.id()).isEqualTo("postgres_source");
        assertThat(source.connectionString()).isEqualTo("postgresql://user:s3cret@localhost/db");
        assertThat(source.config()).containsEntry("poll_interval", 1).containsEntry("tables", List.of("users", "orders"));
        assertThat(source.toString()).doesNotContain("s3cret");
        assertThat(loaded.sinks().get(0).config()).containsEntry("path", "./data/out/events.jsonl");
        assertThat(loaded.transformationRules().get(0)).containsEntry("rule_id", "mask_pii").containsEntry("rule_type", "map");
    }

    @Test
    void aBadFileNamesTheFileTheKeyAndTheReason() throws Exception {
        Files.writeString(dir.resolve("cdc.yaml"), """
                sources:
                  - id: pg
                    connection_string: postgresql://u:p@h/db
                  - id: pg
                    type: mysql
                extra: true
                """);
        Files.writeString(dir.resolve("quality.yaml"), "rules: [ {rule_id: a ");
        assertThatThrownBy(() -> ConfigFiles.load(dir, k -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cdc.yaml: sources[0].type")
                .hasMessageContaining("cdc.yaml: sources[1].id").hasMessageContaining("used twice")
                .hasMessageContaining("cdc.yaml: extra")
                .hasMessageContaining("quality.yaml").hasMessageContaining("not valid YAML");
    }

    @Test
    void anUnsetVariableIsNamed() throws Exception {
        Files.writeString(dir.resolve("connectors.yaml"), "sinks:\n  - {id: w, type: jdbc, connection_string: \"${WAREHOUSE_URL}\"}\n");
        assertThatThrownBy(() -> ConfigFiles.load(dir, k -> null)).hasMessageContaining("${WAREHOUSE_URL}").hasMessageContaining("not set");
    }

    @Test
    void settingsComeFromFlagsAndEnvironmentWithEveryErrorNamed() {
        ServerSettings s = ServerSettings.from(new String[]{"--config", "/etc/etl", "--demo"},
                Map.of("PORT", "9000", "BUFFER_SIZE", "500", "DATABASE_URL", "postgresql://u:pw@db/etl", "ETL_API_TOKEN", "tok"));
        assertThat(s.port()).isEqualTo(9000);
        assertThat(s.bufferSize()).isEqualTo(500);
        assertThat(s.configDir()).isEqualTo(Path.of("/etc/etl"));
        assertThat(s.demo()).isTrue();
        assertThat(s.toString()).doesNotContain("pw@").doesNotContain("tok");
        assertThat(ServerSettings.from(new String[0], Map.of()).port()).isEqualTo(8000);
        assertThatThrownBy(() -> ServerSettings.from(new String[]{"--port"}, Map.of("BUFFER_SIZE", "0", "DATABASE_URL", "mysql://a:secret@b/c")))
                .hasMessageContaining("'--port'").hasMessageContaining("'BUFFER_SIZE'").hasMessageContaining("'DATABASE_URL'")
                .hasMessageNotContaining("secret");
    }

    @Test
    void servesHealthOnThePort() throws Exception {
        ServerSettings s = ServerSettings.from(new String[]{"--port", "1", "--config", dir.toString()}, Map.of());
        ServerSettings anyPort = new ServerSettings(0, s.configDir(), dir, s.databaseUrl(), s.kafkaBootstrapServers(), "INFO",
                s.bufferSize(), s.apiToken(), false, dir.resolve("plugins"));
        try (EtlServer server = new EtlServer(anyPort, ConfigFiles.Loaded.empty()).start()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode body = EtlJson.mapper().readTree(r.body());
            assertThat(body.path("status").asText()).isEqualTo("UP");
            assertThat(body.path("components").path("memory").path("details").path("max_bytes").asLong()).isPositive();
        }
    }
}
