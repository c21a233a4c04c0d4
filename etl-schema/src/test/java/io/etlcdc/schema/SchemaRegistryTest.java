package io.etlcdc.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.json.EtlJson;
import org.junit.jupiter.api.Test;

import static io.etlcdc.schema.AvroSchemas.field;
import static io.etlcdc.schema.AvroSchemas.q;
import static io.etlcdc.schema.AvroSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistryTest {
    private static final ObjectMapper JSON = EtlJson.mapper();
    private static final String V1 = record("User", field("id", q("int")), field("name", q("string")));
    private static final String V2 = record("User", field("id", q("int")), field("name", q("string")),
            field("email", "[\"null\",\"string\"]", "null"));
    private static final String INCOMPATIBLE = record("User", field("id", q("int")), field("name", q("string")), field("age", q("int")));

    private final SchemaRegistry registry = SchemaRegistry.inMemory();

    @Test
    void versionsCountUpPerSubjectAndIdsAreGlobal() {
        RegisterSchemaResponse a1 = registry.register(RegisterSchemaRequest.of("a", V1, SchemaType.AVRO));
        RegisterSchemaResponse a2 = registry.register(RegisterSchemaRequest.of("a", V2, SchemaType.AVRO));
        RegisterSchemaResponse b1 = registry.register(RegisterSchemaRequest.of("b", V2, SchemaType.AVRO));
        assertThat(a1).isEqualTo(new RegisterSchemaResponse("a", 1, a1.id()));
        assertThat(a2.version()).isEqualTo(2);
        assertThat(a2.id()).isNotEqualTo(a1.id());
        assertThat(b1.version()).isEqualTo(1);
        assertThat(b1.id()).as("the same schema under another subject shares its id").isEqualTo(a2.id());
        assertThat(registry.subjects()).containsExactly("a", "b");
        assertThat(registry.versions("a")).containsExactly(1, 2);
        assertThat(registry.schemaById(a1.id()).avro().getField("name")).isNotNull();
    }

    @Test
    void registeringAnIdenticalSchemaReturnsTheExistingVersion() throws Exception {
        RegisterSchemaResponse first = registry.register(RegisterSchemaRequest.of("a", V1, SchemaType.AVRO));
        registry.register(RegisterSchemaRequest.of("a", V2, SchemaType.AVRO));
        // same schema with other whitespace and as a JSON object instead of text
        JsonNode asObject = JSON.readTree(V1);
        RegisterSchemaResponse again = registry.register(new RegisterSchemaRequest("a", asObject, null));
        assertThat(again).isEqualTo(first);
        assertThat(registry.versions("a")).containsExactly(1, 2);
    }

    @Test
    void anIncompatibleSchemaIsRefusedWithEveryReasonAndNothingIsRegistered() {
        registry.register(RegisterSchemaRequest.of("a", V1, SchemaType.AVRO));
        assertThatThrownBy(() -> registry.register(RegisterSchemaRequest.of("a", INCOMPATIBLE, SchemaType.AVRO)))
                .isInstanceOfSatisfying(SchemaIncompatibleException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_INCOMPATIBLE);
                    assertThat(e.incompatibilities()).singleElement().satisfies(i -> {
                        assertThat(i.path()).isEqualTo("age");
                        assertThat(i.message()).contains("added without a default");
                    });
                    assertThat(e.getMessage()).contains("subject 'a'", "BACKWARD", "age");
                    IncompatibleSchemaResponse body = e.toResponse();
                    assertThat(body.error()).contains("subject 'a'");
                    assertThat(body.incompatibilities()).isEqualTo(e.incompatibilities());
                });
        assertThat(registry.versions("a")).containsExactly(1);
    }

    @Test
    void checkingAnswersWithoutRegistering() {
        registry.register(RegisterSchemaRequest.of("a", V1, SchemaType.AVRO));
        CompatibilityResult bad = registry.checkCompatibility(CheckCompatibilityRequest.of("a", INCOMPATIBLE, SchemaType.AVRO));
        CompatibilityResult good = registry.checkCompatibility(CheckCompatibilityRequest.of("a", V2, SchemaType.AVRO));
        assertThat(bad.compatible()).isFalse();
        assertThat(bad.incompatibilities()).extracting(Incompatibility::path).containsExactly("age");
        assertThat(good).isEqualTo(new CompatibilityResult(true, CompatibilityMode.BACKWARD, java.util.List.of()));
        assertThat(registry.versions("a")).containsExactly(1);
        assertThat(registry.checkCompatibility(CheckCompatibilityRequest.of("new-subject", INCOMPATIBLE, SchemaType.AVRO)).compatible())
                .as("nothing to break in an empty subject").isTrue();
    }

    @Test
    void theGlobalDefaultIsBackwardAndSubjectsMayOverrideIt() {
        assertThat(registry.globalCompatibility()).isEqualTo(CompatibilityMode.BACKWARD);
        assertThat(registry.compatibility("a")).isEqualTo(new CompatibilityConfig(CompatibilityMode.BACKWARD));
        assertThat(registry.subjectCompatibility("a")).isEmpty();
        registry.setGlobalCompatibility(CompatibilityMode.FULL);
        assertThat(registry.compatibility("a").compatibility()).isEqualTo(CompatibilityMode.FULL);
        registry.setCompatibility("a", CompatibilityMode.NONE);
        assertThat(registry.compatibility("a").compatibility()).isEqualTo(CompatibilityMode.NONE);
        assertThat(registry.compatibility("b").compatibility()).isEqualTo(CompatibilityMode.FULL);
        registry.register(RegisterSchemaRequest.of("a", V1, SchemaType.AVRO));
        assertThat(registry.register(RegisterSchemaRequest.of("a", INCOMPATIBLE, SchemaType.AVRO)).version())
                .as("NONE accepts anything").isEqualTo(2);
        registry.clearCompatibility("a");
        assertThat(registry.compatibility("a").compatibility()).isEqualTo(CompatibilityMode.FULL);
    }

    @Test
    void versionsAreReadByNumberOrLatest() {
        registry.register(RegisterSchemaRequest.of("a", V1, SchemaType.AVRO));
        registry.register(RegisterSchemaRequest.of("a", V2, SchemaType.AVRO));
        assertThat(registry.version("a", "latest").version()).isEqualTo(2);
        assertThat(registry.version("a", "1").schema().avro().getField("email")).isNull();
        assertThat(registry.latest("a").ref()).isEqualTo(new io.etlcdc.core.event.SchemaRef("a", 2));
        assertThatThrownBy(() -> registry.version("a", "3")).isInstanceOfSatisfying(EtlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> registry.versions("nope")).isInstanceOfSatisfying(EtlException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> registry.version("a", "first")).isInstanceOf(ConfigException.class).hasMessageContaining("'first'");
        assertThat(registry.latestIfAny("nope")).isEmpty();
    }

    @Test
    void invalidRequestsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> registry.register(RegisterSchemaRequest.of("a", "{\"type\":\"record\"", SchemaType.AVRO)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'schema'").hasMessageContaining("not a valid Avro schema");
        assertThatThrownBy(() -> registry.register(RegisterSchemaRequest.of("a",
                record("U", field("n", q("int"), q("not a number"))), SchemaType.AVRO)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a valid Avro schema");
        assertThatThrownBy(() -> registry.register(RegisterSchemaRequest.of(" ", V1, SchemaType.AVRO)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'subject'");
        assertThatThrownBy(() -> registry.register(new RegisterSchemaRequest("a", null, SchemaType.AVRO)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'schema'").hasMessageContaining("required");
        assertThatThrownBy(() -> SchemaType.parse("PROTOBUF")).isInstanceOf(ConfigException.class).hasMessageContaining("schema_type");
    }

    @Test
    void aPrimitiveSchemaMayBeGivenByName() {
        RegisterSchemaResponse r = registry.register(RegisterSchemaRequest.of("key", "string", SchemaType.AVRO));
        assertThat(registry.version("key", r.version()).schema().avro().getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
        assertThat(registry.register(RegisterSchemaRequest.of("key", "\"string\"", SchemaType.AVRO))).isEqualTo(r);
    }

    @Test
    void payloadsUseTheApiNames() throws Exception {
        RegisterSchemaRequest req = JSON.readValue("{\"subject\":\"orders\",\"schema\":" + V1 + "}", RegisterSchemaRequest.class);
        assertThat(req.schemaType()).as("AVRO by default").isEqualTo(SchemaType.AVRO);
        RegisterSchemaRequest asText = JSON.readValue("{\"subject\":\"orders\",\"schema\":" + JSON.writeValueAsString(V1)
                + ",\"schema_type\":\"avro\"}", RegisterSchemaRequest.class);
        RegisterSchemaResponse r = registry.register(req);
        assertThat(registry.register(asText)).isEqualTo(r);
        assertThat(JSON.writeValueAsString(r)).isEqualTo("{\"subject\":\"orders\",\"version\":1,\"id\":" + r.id() + "}");

        CheckCompatibilityRequest check = JSON.readValue("{\"subject\":\"orders\",\"schema\":" + INCOMPATIBLE
                + ",\"schema_type\":\"AVRO\"}", CheckCompatibilityRequest.class);
        JsonNode result = JSON.valueToTree(registry.checkCompatibility(check));
        assertThat(result.get("compatible").asBoolean()).isFalse();
        assertThat(result.get("mode").asText()).isEqualTo("BACKWARD");
        assertThat(result.get("incompatibilities").get(0).get("path").asText()).isEqualTo("age");
        assertThat(result.get("incompatibilities").get(0).has("message")).isTrue();

        JsonNode version = JSON.valueToTree(registry.version("orders", "latest"));
        assertThat(version.get("subject").asText()).isEqualTo("orders");
        assertThat(version.get("version").asInt()).isEqualTo(1);
        assertThat(version.get("id").asLong()).isEqualTo(r.id());
        assertThat(version.get("schema_type").asText()).isEqualTo("AVRO");
        assertThat(version.get("schema").get("name").asText()).isEqualTo("User");
        assertThat(version.has("registered_at")).isTrue();

        assertThatThrownBy(() -> registry.register(RegisterSchemaRequest.of("orders", INCOMPATIBLE, SchemaType.AVRO)))
                .isInstanceOfSatisfying(SchemaIncompatibleException.class, e -> {
                    JsonNode body = JSON.valueToTree(e.toResponse());
                    assertThat(body.fieldNames()).toIterable().containsExactly("error", "incompatibilities");
                    assertThat(body.get("incompatibilities").get(0).get("path").asText()).isEqualTo("age");
                });
        assertThat(JSON.readValue("{\"compatibility\":\"full_transitive\"}", CompatibilityConfig.class).compatibility())
                .isEqualTo(CompatibilityMode.FULL_TRANSITIVE);
    }
}
