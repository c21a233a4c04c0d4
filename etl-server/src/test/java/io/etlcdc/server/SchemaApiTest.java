package io.etlcdc.server;

import io.etlcdc.server.config.ConfigFiles;
import io.etlcdc.server.config.ServerSettings;
import io.etlcdc.server.testing.Api;
import io.etlcdc.server.testing.Api.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The schema registry over HTTP, shapes as in the issue, versions surviving a restart. */
class SchemaApiTest {
    static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"email\",\"type\":\"string\"}]}";
    static final String V2_OK = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"email\",\"type\":\"string\"},"
            + "{\"name\":\"phone\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
    static final String V2_BAD = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"email\",\"type\":\"string\"},"
            + "{\"name\":\"phone\",\"type\":\"string\"}]}";

    @TempDir
    Path dir;

    private EtlServer start() {
        ServerSettings s = new ServerSettings(0, dir.resolve("config"), dir.resolve("data"), Optional.empty(), Optional.empty(),
                "INFO", 1000, Optional.empty(), false, dir.resolve("plugins"));
        return new EtlServer(s, ConfigFiles.Loaded.empty()).start();
    }

    @Test
    void registerCheckConfigureAndReadBack() {
        try (EtlServer server = start()) {
            Api api = new Api(server.port(), null);
            Response v1 = api.post("/api/v1/schema/register", "{\"subject\":\"postgres_main_users\",\"schema\":" + V1 + ",\"schema_type\":\"AVRO\"}");
            assertThat(v1.status()).as(v1.toString()).isEqualTo(200);
            assertThat(v1.json().path("version").asInt()).isEqualTo(1);
            assertThat(v1.json().path("id").asLong()).isPositive();
            Response again = api.post("/api/v1/schema/register", "{\"subject\":\"postgres_main_users\",\"schema\":" + V1 + "}");
            assertThat(again.json().path("version").asInt()).as("an identical schema returns its version").isEqualTo(1);

            Response check = api.post("/api/v1/schema/check-compatibility", "{\"subject\":\"postgres_main_users\",\"schema\":" + V2_BAD + "}");
            assertThat(check.status()).isEqualTo(200);
            assertThat(check.json().path("compatible").asBoolean()).isFalse();
            assertThat(check.json().path("mode").asText()).isEqualTo("BACKWARD");
            assertThat(check.json().path("incompatibilities").get(0).path("path").asText()).contains("phone");
            Response refused = api.post("/api/v1/schema/register", "{\"subject\":\"postgres_main_users\",\"schema\":" + V2_BAD + "}");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json().path("error").asText()).isNotBlank();
            assertThat(refused.json().path("incompatibilities")).isNotEmpty();
            Response v2 = api.post("/api/v1/schema/register", "{\"subject\":\"postgres_main_users\",\"schema\":\""
                    + V2_OK.replace("\"", "\\\"") + "\"}");
            assertThat(v2.json().path("version").asInt()).as("a schema given as a string").isEqualTo(2);

            assertThat(api.put("/api/v1/schema/config/postgres_main_users", "{\"compatibility\":\"FULL_TRANSITIVE\"}").status()).isEqualTo(200);
            assertThat(api.get("/api/v1/schema/config/postgres_main_users").json().path("compatibility").asText()).isEqualTo("FULL_TRANSITIVE");
            assertThat(api.put("/api/v1/schema/config", "{\"compatibility\":\"SIDEWAYS\"}").status()).isEqualTo(400);
            assertThat(api.get("/api/v1/schema/subjects").json()).extracting(n -> n.asText()).contains("postgres_main_users");
            assertThat(api.get("/api/v1/schema/subjects/postgres_main_users/versions").json()).extracting(n -> n.asInt()).containsExactly(1, 2);
            assertThat(api.get("/api/v1/schema/subjects/postgres_main_users/versions/latest").json().path("version").asInt()).isEqualTo(2);
            assertThat(api.get("/api/v1/schema/subjects/nope/versions/latest").status()).isEqualTo(404);
            assertThat(api.post("/api/v1/schema/register", "{\"subject\":\"x\",\"schema\":{\"type\":\"recordz\"}}").status()).isEqualTo(400);
        }
        try (EtlServer server = start()) {
            Api api = new Api(server.port(), null);
            assertThat(api.get("/api/v1/schema/subjects/postgres_main_users/versions").json()).extracting(n -> n.asInt()).containsExactly(1, 2);
            assertThat(api.get("/api/v1/schema/config/postgres_main_users").json().path("compatibility").asText()).isEqualTo("FULL_TRANSITIVE");
        }
    }

    @Test
    void aBadSchemaChangePolicyIsRefusedNamingTheKey() {
        try (EtlServer server = start()) {
            Api api = new Api(server.port(), null);
            Response r = api.post("/api/v1/sources/connect", "{\"id\":\"pg\",\"type\":\"test-counter\",\"connection_string\":\"counter://a:b@h/db\","
                    + "\"config\":{\"schema_change_policy\":\"panic\"}}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("schema_change_policy");
            assertThat(api.post("/api/v1/sources/connect", "{\"id\":\"pg\",\"type\":\"test-counter\",\"connection_string\":\"counter://a:b@h/db\","
                    + "\"config\":{\"schema_change_policy\":\"fail\"}}").status()).isEqualTo(201);
        }
    }
}
