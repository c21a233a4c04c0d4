package io.etlcdc.schema;

import io.etlcdc.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static io.etlcdc.schema.AvroSchemas.decimal;
import static io.etlcdc.schema.AvroSchemas.enumType;
import static io.etlcdc.schema.AvroSchemas.enumTypeWithDefault;
import static io.etlcdc.schema.AvroSchemas.field;
import static io.etlcdc.schema.AvroSchemas.optional;
import static io.etlcdc.schema.AvroSchemas.q;
import static io.etlcdc.schema.AvroSchemas.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every compatibility mode against the Avro evolution rules, through the registry's check and register. */
class CompatibilityModesTest {
    private static final String ID = field("id", q("int"));
    private static final String V1 = record("User", ID, field("name", q("string")));

    /** What the mode says about going from {@code before} to {@code after} (one earlier version). */
    private static CompatibilityResult check(CompatibilityMode mode, String before, String after) {
        SchemaRegistry r = SchemaRegistry.inMemory();
        r.setCompatibility("s", CompatibilityMode.NONE);
        r.register(RegisterSchemaRequest.of("s", before, SchemaType.AVRO));
        r.setCompatibility("s", mode);
        return r.checkCompatibility(CheckCompatibilityRequest.of("s", after, SchemaType.AVRO));
    }

    private static void assertModes(String before, String after, boolean backwardOk, boolean forwardOk) {
        assertThat(check(CompatibilityMode.BACKWARD, before, after).compatible()).as("BACKWARD").isEqualTo(backwardOk);
        assertThat(check(CompatibilityMode.BACKWARD_TRANSITIVE, before, after).compatible()).as("BACKWARD_TRANSITIVE").isEqualTo(backwardOk);
        assertThat(check(CompatibilityMode.FORWARD, before, after).compatible()).as("FORWARD").isEqualTo(forwardOk);
        assertThat(check(CompatibilityMode.FORWARD_TRANSITIVE, before, after).compatible()).as("FORWARD_TRANSITIVE").isEqualTo(forwardOk);
        assertThat(check(CompatibilityMode.FULL, before, after).compatible()).as("FULL").isEqualTo(backwardOk && forwardOk);
        assertThat(check(CompatibilityMode.FULL_TRANSITIVE, before, after).compatible()).as("FULL_TRANSITIVE").isEqualTo(backwardOk && forwardOk);
        assertThat(check(CompatibilityMode.NONE, before, after).compatible()).as("NONE").isTrue();
    }

    @Test
    void fieldAddedWithADefaultIsFullyCompatible() {
        assertModes(V1, record("User", ID, field("name", q("string")), field("email", q("string"), q("none"))), true, true);
    }

    @Test
    void optionalFieldAddedWithNullDefaultIsFullyCompatible() {
        assertModes(V1, record("User", ID, field("name", q("string")), field("email", optional(q("string")), "null")), true, true);
    }

    @Test
    void fieldAddedWithoutADefaultBreaksBackwardOnly() {
        String v2 = record("User", ID, field("name", q("string")), field("email", q("string")));
        assertModes(V1, v2, false, true);
        CompatibilityResult r = check(CompatibilityMode.BACKWARD, V1, v2);
        assertThat(r.mode()).isEqualTo(CompatibilityMode.BACKWARD);
        assertThat(r.incompatibilities()).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("email");
            assertThat(i.message()).contains("'email'", "added without a default", "version 1", "string");
        });
    }

    @Test
    void fieldRemovedBreaksForwardOnlyWhenTheOldSchemaHasNoDefault() {
        String v2 = record("User", ID);
        assertModes(V1, v2, true, false);
        assertThat(check(CompatibilityMode.FORWARD, V1, v2).incompatibilities()).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("name");
            assertThat(i.message()).contains("'name'", "removed", "version 1", "without a default");
        });
        String withDefault = record("User", ID, field("name", q("string"), q("")));
        assertModes(withDefault, v2, true, true);
    }

    @Test
    void typePromotedIntToLongIsBackwardButNotForward() {
        String v2 = record("User", field("id", q("long")), field("name", q("string")));
        assertModes(V1, v2, true, false);
        assertThat(check(CompatibilityMode.FORWARD, V1, v2).incompatibilities()).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("id");
            assertThat(i.message()).contains("changed type from int to long", "version 1", "cannot read the long values");
        });
    }

    @Test
    void everyPromotionOfTheChainIsBackwardCompatible() {
        String[] chain = {"int", "long", "float", "double"};
        for (int i = 0; i < chain.length; i++) {
            for (int j = i + 1; j < chain.length; j++) {
                String before = record("N", field("n", q(chain[i])));
                String after = record("N", field("n", q(chain[j])));
                assertThat(check(CompatibilityMode.BACKWARD, before, after).compatible()).as(chain[i] + "→" + chain[j]).isTrue();
                assertThat(check(CompatibilityMode.BACKWARD, after, before).compatible()).as(chain[j] + "→" + chain[i]).isFalse();
            }
        }
        assertModes(record("B", field("b", q("string"))), record("B", field("b", q("bytes"))), true, true);
    }

    @Test
    void typeChangedToAnUnrelatedTypeBreaksBothWays() {
        String v2 = record("User", ID, field("name", q("int")));
        assertModes(V1, v2, false, false);
        assertThat(check(CompatibilityMode.BACKWARD, V1, v2).incompatibilities()).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("name");
            assertThat(i.message()).contains("changed type from string to int", "the new schema expects int");
        });
    }

    @Test
    void enumSymbolAddedBreaksForwardUnlessTheOldEnumHasADefault() {
        String before = record("U", field("status", enumType("Status", "ACTIVE", "BLOCKED")));
        String after = record("U", field("status", enumType("Status", "ACTIVE", "BLOCKED", "DELETED")));
        assertModes(before, after, true, false);
        assertThat(check(CompatibilityMode.FORWARD, before, after).incompatibilities()).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("status");
            assertThat(i.message()).contains("[DELETED] added", "version 1");
        });
        String beforeWithDefault = record("U", field("status", enumTypeWithDefault("Status", "ACTIVE", "ACTIVE", "BLOCKED")));
        String afterWithDefault = record("U", field("status", enumTypeWithDefault("Status", "ACTIVE", "ACTIVE", "BLOCKED", "DELETED")));
        assertModes(beforeWithDefault, afterWithDefault, true, true);
    }

    @Test
    void enumSymbolRemovedBreaksBackward() {
        String before = record("U", field("status", enumType("Status", "ACTIVE", "BLOCKED")));
        String after = record("U", field("status", enumType("Status", "ACTIVE")));
        assertModes(before, after, false, true);
        assertThat(check(CompatibilityMode.BACKWARD, before, after).incompatibilities()).singleElement()
                .satisfies(i -> assertThat(i.message()).contains("[BLOCKED] removed"));
        assertModes(before, record("U", field("status", enumTypeWithDefault("Status", "ACTIVE", "ACTIVE"))), true, true);
    }

    @Test
    void unionWidenedIsBackwardButNotForward() {
        String before = record("U", field("v", optional(q("string")), "null"));
        String after = record("U", field("v", "[\"null\",\"string\",\"long\"]", "null"));
        assertModes(before, after, true, false);
        assertThat(check(CompatibilityMode.FORWARD, before, after).incompatibilities()).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("v");
            assertThat(i.message()).contains("widened", "long", "version 1");
        });
        // a plain type turned optional: old data readable, new nulls not by old readers
        assertModes(record("U", field("v", q("string"))), record("U", field("v", optional(q("string")))), true, false);
        assertThat(check(CompatibilityMode.FORWARD, record("U", field("v", q("string"))), record("U", field("v", optional(q("string")))))
                .incompatibilities()).singleElement().satisfies(i -> {
                    assertThat(i.path()).isEqualTo("v");
                    assertThat(i.message()).isEqualTo("field 'v' became nullable: version 1 expects string and cannot read the nulls "
                            + "written with the new schema");
                });
    }

    @Test
    void nestedRecordChangesAreReportedWithTheirPath() {
        String address1 = "{\"type\":\"record\",\"name\":\"Address\",\"fields\":[" + field("city", q("string")) + "]}";
        String address2 = "{\"type\":\"record\",\"name\":\"Address\",\"fields\":[" + field("city", q("string")) + ","
                + field("zip", q("string")) + "]}";
        String address2WithDefault = "{\"type\":\"record\",\"name\":\"Address\",\"fields\":[" + field("city", q("string")) + ","
                + field("zip", q("string"), q("")) + "]}";
        assertModes(record("U", ID, field("address", address1)), record("U", ID, field("address", address2)), false, true);
        assertModes(record("U", ID, field("address", address1)), record("U", ID, field("address", address2WithDefault)), true, true);
        assertThat(check(CompatibilityMode.BACKWARD, record("U", ID, field("address", address1)), record("U", ID, field("address", address2)))
                .incompatibilities()).singleElement().satisfies(i -> {
                    assertThat(i.path()).isEqualTo("address.zip");
                    assertThat(i.message()).contains("added without a default");
                });
        // the same change inside an optional record (a union) still names the nested field
        assertThat(check(CompatibilityMode.BACKWARD, record("U", ID, field("address", optional(address1), "null")),
                record("U", ID, field("address", optional(address2), "null"))).incompatibilities())
                .singleElement().satisfies(i -> assertThat(i.path()).isEqualTo("address.zip"));
        // and inside an array of records
        assertThat(check(CompatibilityMode.BACKWARD, record("U", field("addresses", "{\"type\":\"array\",\"items\":" + address1 + "}")),
                record("U", field("addresses", "{\"type\":\"array\",\"items\":" + address2 + "}"))).incompatibilities())
                .singleElement().satisfies(i -> assertThat(i.path()).isEqualTo("addresses[].zip"));
    }

    @Test
    void renamedRecordIsIncompatibleUnlessTheOldNameIsAnAlias() {
        String renamed = "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"test\",\"fields\":[" + ID + "," + field("name", q("string")) + "]}";
        assertThat(check(CompatibilityMode.BACKWARD, V1, renamed).incompatibilities()).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("/");
            assertThat(i.message()).contains("'test.User'", "'test.Person'", "aliases");
        });
        String aliased = "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"test\",\"aliases\":[\"test.User\"],\"fields\":["
                + ID + "," + field("name", q("string")) + "]}";
        assertThat(check(CompatibilityMode.BACKWARD, V1, aliased).compatible()).isTrue();
    }

    @Test
    void renamedFieldNeedsAnAliasToStayBackwardCompatible() {
        String renamed = record("User", ID, field("full_name", q("string")));
        assertThat(check(CompatibilityMode.BACKWARD, V1, renamed).compatible()).isFalse();
        String aliased = record("User", ID, "{\"name\":\"full_name\",\"type\":\"string\",\"aliases\":[\"name\"]}");
        assertModes(V1, aliased, true, false);
    }

    @Test
    void decimalsMayGrowButNotLoseDigits() {
        String d102 = record("P", field("price", decimal(10, 2)));
        assertModes(d102, record("P", field("price", decimal(12, 4))), true, false);
        assertThat(check(CompatibilityMode.BACKWARD, d102, record("P", field("price", decimal(10, 1)))).incompatibilities())
                .singleElement().satisfies(i -> {
                    assertThat(i.path()).isEqualTo("price");
                    assertThat(i.message()).contains("decimal(10,2) to decimal(10,1)", "round");
                });
        assertThat(check(CompatibilityMode.BACKWARD, d102, record("P", field("price", decimal(8, 2)))).incompatibilities())
                .singleElement().satisfies(i -> assertThat(i.message()).contains("integer digits"));
    }

    @Test
    void everyProblemOfOneSchemaIsListed() {
        String before = record("P", field("price", decimal(10, 2)), field("name", q("string")));
        String after = record("P", field("price", decimal(10, 1)), field("name", q("bytes")), field("age", q("int")),
                field("code", q("long")));
        assertThat(check(CompatibilityMode.BACKWARD, before, after).incompatibilities()).extracting(Incompatibility::path)
                .containsExactly("age", "code", "price");
    }

    @Test
    void backwardTransitiveChecksEveryEarlierVersionOfAChainOfThree() {
        String v1 = record("U", ID);
        String v2 = record("U", ID, field("name", q("string"), q("n/a")));
        String v3 = record("U", ID, field("name", q("string")));
        for (CompatibilityMode mode : List.of(CompatibilityMode.BACKWARD, CompatibilityMode.BACKWARD_TRANSITIVE)) {
            SchemaRegistry r = SchemaRegistry.inMemory();
            r.setCompatibility("u", mode);
            r.register(RegisterSchemaRequest.of("u", v1, SchemaType.AVRO));
            r.register(RegisterSchemaRequest.of("u", v2, SchemaType.AVRO));
            CompatibilityResult result = r.checkCompatibility(CheckCompatibilityRequest.of("u", v3, SchemaType.AVRO));
            if (mode == CompatibilityMode.BACKWARD) {
                assertThat(result.compatible()).isTrue();
                assertThat(r.register(RegisterSchemaRequest.of("u", v3, SchemaType.AVRO)).version()).isEqualTo(3);
            } else {
                assertThat(result.compatible()).isFalse();
                assertThat(result.incompatibilities()).singleElement().satisfies(i -> {
                    assertThat(i.path()).isEqualTo("name");
                    assertThat(i.message()).contains("version 1").doesNotContain("version 2");
                });
                assertThatThrownBy(() -> r.register(RegisterSchemaRequest.of("u", v3, SchemaType.AVRO)))
                        .isInstanceOf(SchemaIncompatibleException.class);
                assertThat(r.versions("u")).containsExactly(1, 2);
            }
        }
    }

    @Test
    void forwardTransitiveChecksEveryEarlierVersionOfAChainOfThree() {
        String v1 = record("U", ID, field("a", q("string")));
        String v2 = record("U", ID, field("a", q("string"), q("")));
        String v3 = record("U", ID);
        SchemaRegistry plain = registryWith(CompatibilityMode.FORWARD, v1, v2);
        assertThat(plain.checkCompatibility(CheckCompatibilityRequest.of("u", v3, SchemaType.AVRO)).compatible()).isTrue();
        SchemaRegistry transitive = registryWith(CompatibilityMode.FORWARD_TRANSITIVE, v1, v2);
        CompatibilityResult r = transitive.checkCompatibility(CheckCompatibilityRequest.of("u", v3, SchemaType.AVRO));
        assertThat(r.compatible()).isFalse();
        assertThat(r.incompatibilities()).singleElement().satisfies(i -> assertThat(i.message()).contains("removed", "version 1"));
    }

    @Test
    void fullTransitiveNeedsBothDirectionsAgainstEveryVersion() {
        // each step is fully compatible with its neighbour, but v3 dropped the default v1 relies on
        String v1 = record("U", ID);
        String v2 = record("U", ID, field("b", q("int"), "0"));
        String v3 = record("U", ID, field("b", q("int"), "0"), field("c", q("int"), "0"));
        String v3NoDefault = record("U", ID, field("b", q("int")));
        SchemaRegistry full = registryWith(CompatibilityMode.FULL, v1, v2);
        assertThat(full.checkCompatibility(CheckCompatibilityRequest.of("u", v3, SchemaType.AVRO)).compatible()).isTrue();
        assertThat(full.checkCompatibility(CheckCompatibilityRequest.of("u", v3NoDefault, SchemaType.AVRO)).compatible()).isTrue();
        SchemaRegistry fullTransitive = registryWith(CompatibilityMode.FULL_TRANSITIVE, v1, v2);
        assertThat(fullTransitive.checkCompatibility(CheckCompatibilityRequest.of("u", v3, SchemaType.AVRO)).compatible()).isTrue();
        CompatibilityResult r = fullTransitive.checkCompatibility(CheckCompatibilityRequest.of("u", v3NoDefault, SchemaType.AVRO));
        assertThat(r.compatible()).isFalse();
        assertThat(r.mode()).isEqualTo(CompatibilityMode.FULL_TRANSITIVE);
        assertThat(r.incompatibilities()).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("b");
            assertThat(i.message()).contains("added without a default", "version 1");
        });
    }

    private static SchemaRegistry registryWith(CompatibilityMode mode, String... versions) {
        SchemaRegistry r = SchemaRegistry.inMemory();
        r.setCompatibility("u", mode);
        for (String v : versions) {
            r.register(RegisterSchemaRequest.of("u", v, SchemaType.AVRO));
        }
        return r;
    }

    @ParameterizedTest
    @EnumSource(CompatibilityMode.class)
    void everyModeParsesFromItsNameAndRoundTripsAsJson(CompatibilityMode mode) throws Exception {
        assertThat(CompatibilityMode.parse(mode.name().toLowerCase())).isEqualTo(mode);
        String json = io.etlcdc.core.json.EtlJson.mapper().writeValueAsString(new CompatibilityConfig(mode));
        assertThat(json).isEqualTo("{\"compatibility\":\"" + mode.name() + "\"}");
        assertThat(io.etlcdc.core.json.EtlJson.mapper().readValue(json, CompatibilityConfig.class).compatibility()).isEqualTo(mode);
    }

    @Test
    void anUnknownModeIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> CompatibilityMode.parse("SIDEWAYS"))
                .hasMessageContaining("'SIDEWAYS'").hasMessageContaining("compatibility").hasMessageContaining("FULL_TRANSITIVE")
                .satisfies(e -> assertThat(((io.etlcdc.core.error.EtlException) e).code()).isEqualTo(ErrorCode.CONFIG_INVALID));
    }
}
