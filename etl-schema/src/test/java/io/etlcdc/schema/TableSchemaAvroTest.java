package io.etlcdc.schema;

import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.event.ColumnType;
import io.etlcdc.core.event.TableSchema;
import io.etlcdc.core.event.TableSchema.Column;
import io.etlcdc.core.json.EtlJson;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableSchemaAvroTest {

    private static Column col(String name, ColumnType type, boolean nullable) {
        return Column.of(name, type, nullable);
    }

    private static Column col(String name, ColumnType type, boolean nullable, String def) {
        return new Column(name, type, null, nullable, def, null, null);
    }

    private static Schema inner(Schema.Field f) {
        Schema s = f.schema();
        return s.getType() == Schema.Type.UNION ? s.getTypes().get(1) : s;
    }

    @Test
    void everyColumnTypeMapsToItsAvroType() {
        TableSchema t = new TableSchema("public.everything", List.of(
                col("b", ColumnType.BOOLEAN, false), col("i", ColumnType.INT32, false), col("l", ColumnType.INT64, false),
                col("f", ColumnType.FLOAT32, false), col("d", ColumnType.FLOAT64, false),
                new Column("price", ColumnType.DECIMAL, "numeric(10,2)", false, null, 10, 2),
                new Column("loose", ColumnType.DECIMAL, "numeric", false, null, null, null),
                col("s", ColumnType.STRING, false), col("bytes", ColumnType.BYTES, false), col("day", ColumnType.DATE, false),
                col("at", ColumnType.TIME, false), col("ts", ColumnType.TIMESTAMP, false), col("tstz", ColumnType.TIMESTAMP_TZ, false),
                col("u", ColumnType.UUID, false), col("j", ColumnType.JSON, false), col("arr", ColumnType.ARRAY, false),
                col("doc", ColumnType.STRUCT, false), col("x", ColumnType.UNKNOWN, false)), List.of("i"));
        Schema avro = TableSchemaAvro.toAvro(t);
        assertThat(avro.getType()).isEqualTo(Schema.Type.RECORD);
        assertThat(avro.getFullName()).isEqualTo("public.everything");
        assertThat(avro.getField("b").schema().getType()).isEqualTo(Schema.Type.BOOLEAN);
        assertThat(avro.getField("i").schema().getType()).isEqualTo(Schema.Type.INT);
        assertThat(avro.getField("l").schema().getType()).isEqualTo(Schema.Type.LONG);
        assertThat(avro.getField("f").schema().getType()).isEqualTo(Schema.Type.FLOAT);
        assertThat(avro.getField("d").schema().getType()).isEqualTo(Schema.Type.DOUBLE);
        assertThat(avro.getField("price").schema().getLogicalType()).isEqualTo(LogicalTypes.decimal(10, 2));
        assertThat(avro.getField("price").schema().getType()).isEqualTo(Schema.Type.BYTES);
        assertThat(avro.getField("loose").schema().getType()).as("no precision: exact text").isEqualTo(Schema.Type.STRING);
        assertThat(avro.getField("loose").getProp(TableSchemaAvro.COLUMN_TYPE_PROP)).isEqualTo("DECIMAL");
        assertThat(avro.getField("s").schema().getType()).isEqualTo(Schema.Type.STRING);
        assertThat(avro.getField("bytes").schema().getType()).isEqualTo(Schema.Type.BYTES);
        assertThat(avro.getField("day").schema().getLogicalType()).isEqualTo(LogicalTypes.date());
        assertThat(avro.getField("at").schema().getLogicalType()).isEqualTo(LogicalTypes.timeMicros());
        assertThat(avro.getField("ts").schema().getLogicalType()).isEqualTo(LogicalTypes.localTimestampMicros());
        assertThat(avro.getField("tstz").schema().getLogicalType()).isEqualTo(LogicalTypes.timestampMicros());
        assertThat(avro.getField("u").schema().getLogicalType()).isEqualTo(LogicalTypes.uuid());
        assertThat(avro.getField("j").getProp(TableSchemaAvro.COLUMN_TYPE_PROP)).isEqualTo("JSON");
        assertThat(avro.getField("arr").schema().getType()).isEqualTo(Schema.Type.ARRAY);
        assertThat(avro.getField("doc").schema().getType()).isEqualTo(Schema.Type.MAP);
        assertThat(avro.getField("x").schema().getType()).isEqualTo(Schema.Type.STRING);

        TableSchema back = TableSchemaAvro.fromAvro(avro, "public.everything");
        assertThat(back.columns()).extracting(Column::type).containsExactlyElementsOf(t.columns().stream().map(Column::type).toList());
        assertThat(back.column("price")).hasValueSatisfying(c -> {
            assertThat(c.precision()).isEqualTo(10);
            assertThat(c.scale()).isEqualTo(2);
        });
    }

    @Test
    void nullableColumnsBecomeUnionsWithNullDefaultingToNull() {
        Schema avro = TableSchemaAvro.toAvro(new TableSchema("users", List.of(col("email", ColumnType.STRING, true)), List.of()));
        Schema.Field email = avro.getField("email");
        assertThat(email.schema().getType()).isEqualTo(Schema.Type.UNION);
        assertThat(email.schema().getTypes()).extracting(Schema::getType).containsExactly(Schema.Type.NULL, Schema.Type.STRING);
        assertThat(email.hasDefaultValue()).isTrue();
        assertThat(email.defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        assertThat(avro.getNamespace()).isNull();
        assertThat(TableSchemaAvro.fromAvro(avro, "users").columns().get(0).nullable()).isTrue();
    }

    @Test
    void constantSqlDefaultsOfNotNullColumnsBecomeAvroDefaults() {
        Schema avro = TableSchemaAvro.toAvro(new TableSchema("public.t", List.of(
                col("n", ColumnType.INT32, false, "0"),
                col("big", ColumnType.INT64, false, "'-7'::bigint"),
                col("status", ColumnType.STRING, false, "'it''s new'::character varying"),
                col("flag", ColumnType.BOOLEAN, false, "true"),
                col("ratio", ColumnType.FLOAT64, false, "(1.5)"),
                new Column("amount", ColumnType.DECIMAL, null, false, "0.5", 8, 2),
                col("day", ColumnType.DATE, false, "'2024-02-29'::date"),
                col("seq", ColumnType.INT64, false, "nextval('t_seq_seq'::regclass)"),
                col("created", ColumnType.TIMESTAMP_TZ, false, "now()"),
                col("mysql_text", ColumnType.STRING, false, "pending")), List.of()));
        assertThat(avro.getField("n").defaultVal()).isEqualTo(0);
        assertThat(avro.getField("big").defaultVal()).isEqualTo(-7L);
        assertThat(avro.getField("status").defaultVal()).isEqualTo("it's new");
        assertThat(avro.getField("flag").defaultVal()).isEqualTo(true);
        assertThat(avro.getField("ratio").defaultVal()).isEqualTo(1.5);
        assertThat(AvroValues.fromAvroDefault(avro.getField("amount").schema(), avro.getField("amount").defaultVal()))
                .isEqualTo(new BigDecimal("0.50"));
        assertThat(AvroValues.fromAvroDefault(avro.getField("day").schema(), avro.getField("day").defaultVal()))
                .isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(avro.getField("seq").hasDefaultValue()).as("sequences are not constants").isFalse();
        assertThat(avro.getField("created").hasDefaultValue()).isFalse();
        assertThat(avro.getField("mysql_text").defaultVal()).isEqualTo("pending");
        assertThat(new BigInteger((byte[]) avro.getField("amount").defaultVal())).isEqualTo(BigInteger.valueOf(50));
    }

    @Test
    void columnNamesThatAreNotAvroNamesAreSanitizedAndKept() {
        Schema avro = TableSchemaAvro.toAvro(new TableSchema("my-db.order items", List.of(
                col("first name", ColumnType.STRING, true), col("first_name", ColumnType.STRING, true),
                col("2fa", ColumnType.BOOLEAN, false)), List.of()));
        assertThat(avro.getFullName()).isEqualTo("my_db.order_items");
        assertThat(avro.getFields()).extracting(Schema.Field::name).containsExactly("first_name", "first_name_2", "_2fa");
        assertThat(avro.getFields()).extracting(TableSchemaAvro::columnName).containsExactly("first name", "first_name", "2fa");
        assertThat(TableSchemaAvro.fromAvro(avro, "t").columnNames()).containsExactly("first name", "first_name", "2fa");
    }

    @Test
    void changesBetweenTableShapesAreDescribedPerColumn() {
        TableSchema v1 = new TableSchema("public.users", List.of(col("id", ColumnType.INT32, false), col("name", ColumnType.STRING, true),
                col("age", ColumnType.INT32, true)), List.of("id"));
        TableSchema v2 = new TableSchema("public.users", List.of(col("id", ColumnType.INT64, false), col("name", ColumnType.STRING, false),
                col("phone", ColumnType.STRING, true)), List.of("id"));
        assertThat(TableSchemaAvro.describeChanges(v1, v2)).containsExactly(
                "column 'id' type changed from INT32 to INT64",
                "column 'name' is now NOT NULL",
                "column 'phone' added (STRING, nullable)",
                "column 'age' removed");
        assertThat(TableSchemaAvro.describeChanges(v1, v1)).isEmpty();
    }

    @Test
    void tableSchemasRegisterAsJsonAndAreCheckedOnTheirAvroForm() throws Exception {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        String v1 = """
                {"collection": "public.users", "primary_key": ["id"],
                 "columns": [{"name": "id", "type": "INT32", "nullable": false},
                             {"name": "name", "type": "string"}]}""";
        RegisterSchemaResponse r1 = registry.register(RegisterSchemaRequest.of("pg_users", v1, SchemaType.TABLE));
        SchemaVersion stored = registry.version("pg_users", r1.version());
        assertThat(stored.schemaType()).isEqualTo(SchemaType.TABLE);
        assertThat(stored.schema().tableSchema()).hasValueSatisfying(t -> {
            assertThat(t.columnNames()).containsExactly("id", "name");
            assertThat(t.column("name").orElseThrow().nullable()).as("nullable unless said otherwise").isTrue();
            assertThat(t.primaryKey()).containsExactly("id");
        });
        assertThat(EtlJson.mapper().valueToTree(stored).get("schema").get("columns").get(0).get("name").asText()).isEqualTo("id");

        String addNullable = v1.replace("{\"name\": \"name\", \"type\": \"string\"}",
                "{\"name\": \"name\", \"type\": \"string\"}, {\"name\": \"phone\", \"type\": \"STRING\", \"nullable\": true}");
        String addRequired = v1.replace("{\"name\": \"name\", \"type\": \"string\"}",
                "{\"name\": \"name\", \"type\": \"string\"}, {\"name\": \"tier\", \"type\": \"INT32\", \"nullable\": false}");
        String addRequiredWithDefault = v1.replace("{\"name\": \"name\", \"type\": \"string\"}",
                "{\"name\": \"name\", \"type\": \"string\"}, {\"name\": \"tier\", \"type\": \"INT32\", \"nullable\": false, \"default\": \"1\"}");
        assertThat(registry.checkCompatibility(CheckCompatibilityRequest.of("pg_users", addNullable, SchemaType.TABLE)).compatible()).isTrue();
        CompatibilityResult required = registry.checkCompatibility(CheckCompatibilityRequest.of("pg_users", addRequired, SchemaType.TABLE));
        assertThat(required.compatible()).isFalse();
        assertThat(required.incompatibilities()).singleElement().satisfies(i -> {
            assertThat(i.path()).isEqualTo("tier");
            assertThat(i.message()).contains("'tier' (int) was added without a default");
        });
        assertThat(registry.register(RegisterSchemaRequest.of("pg_users", addRequiredWithDefault, SchemaType.TABLE)).version()).isEqualTo(2);
        // the same table registered again, keys in another order, is the same version
        String reordered = """
                {"columns": [{"nullable": false, "type": "INT32", "name": "id"}, {"type": "STRING", "name": "name", "nullable": true}],
                 "primary_key": ["id"], "collection": "public.users"}""";
        assertThat(registry.register(RegisterSchemaRequest.of("pg_users", reordered, SchemaType.TABLE)).version()).isEqualTo(1);
    }

    @Test
    void anInvalidTableSchemaListsEveryProblem() {
        String bad = """
                {"collection": "t", "columns": [{"name": "a", "type": "TEXTISH"}, {"type": "INT32"}, {"name": "a", "type": "INT32",
                 "precision": "x"}], "primary_key": ["zz"]}""";
        assertThatThrownBy(() -> SchemaRegistry.inMemory().register(RegisterSchemaRequest.of("t", bad, SchemaType.TABLE)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigException.ConfigError::key)
                        .containsExactlyInAnyOrder("schema.columns[0].type", "schema.columns[1].name", "schema.columns[2].name",
                                "schema.columns[2].precision", "schema.primary_key"));
    }

    @Test
    void aTableSchemaWithoutCollectionIsNamedAfterItsSubject() {
        SchemaRegistry registry = SchemaRegistry.inMemory();
        registry.register(RegisterSchemaRequest.of("orders", "{\"columns\":[{\"name\":\"id\",\"type\":\"INT64\"}]}", SchemaType.TABLE));
        assertThat(registry.latest("orders").schema().tableSchema().orElseThrow().collection()).isEqualTo("orders");
        assertThat(registry.latest("orders").schema().avro().getName()).isEqualTo("orders");
    }
}
