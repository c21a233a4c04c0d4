package io.etlcdc.core.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One committed change captured from a source: immutable, and the unit everything in the pipeline
 * works on.
 *
 * <p><b>Rows.</b> {@code key}, {@code before} and {@code after} map column names to values of the
 * Java types listed in {@link ColumnType}; a JSON {@code null} value is a SQL NULL. The event takes
 * ownership of the maps it is given: callers must not change them afterwards (they are exposed
 * read-only). Which are present depends on the operation:
 * <ul>
 *   <li>INSERT: {@code after} (and {@code key} when the table has one);</li>
 *   <li>UPDATE: {@code after}, and {@code before} when the database provides it (PostgreSQL with
 *   {@code REPLICA IDENTITY FULL}, MySQL with full row images);</li>
 *   <li>DELETE: {@code before} or at least {@code key};</li>
 *   <li>TRUNCATE: none; DDL: {@code ddl} holds the statement.</li>
 * </ul>
 *
 * <p><b>Unchanged columns.</b> A column the source did not deliver because the change did not touch it
 * (PostgreSQL TOAST values an UPDATE left alone) is absent from {@code after} and named in
 * {@code unchangedFields}. Sinks must keep the stored value of such columns.
 *
 * <p>Build with {@link #builder(String, String, Operation)} or the static factories; derive copies
 * with the {@code with...} methods.
 *
 * @param sourceId        the source's id, e.g. {@code postgres_main}
 * @param collection      schema-qualified table or {@code db.collection}, e.g. {@code public.users}
 * @param operation       what the change did
 * @param snapshot        true for rows read by an initial snapshot rather than from the change stream
 * @param key             primary key columns, or null when the table has none / for TRUNCATE and DDL
 * @param before          the row before the change, or null
 * @param after           the row after the change, or null
 * @param unchangedFields columns present in the table but not delivered because they did not change
 * @param ddl             the DDL statement for {@link Operation#DDL}, otherwise null
 * @param sourceTimestamp when the source committed the change
 * @param position        where the event sits in its source's stream; unique per event. In the event's
 *                        JSON only its sort key is written (the source's resume data stays in the
 *                        offset store), which keeps JSON-lines files and dead letters small
 * @param schema          the table's shape when the source knows it, or null; not serialized
 * @param schemaRef       the registered schema version the event conforms to, or null
 *
 * <p>JSON: written by {@link ChangeEventSerializer} (the same text the annotations below describe, without
 * reflection); read through the annotations.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@com.fasterxml.jackson.databind.annotation.JsonSerialize(using = ChangeEventSerializer.class)
@JsonPropertyOrder({"source_id", "collection", "op", "snapshot", "key", "before", "after", "unchanged_fields",
        "ddl", "source_ts", "position", "schema_ref"})
public record ChangeEvent(
        @JsonProperty("source_id") String sourceId,
        @JsonProperty("collection") String collection,
        @JsonProperty("op") Operation operation,
        @JsonProperty("snapshot") boolean snapshot,
        @JsonProperty("key") Map<String, Object> key,
        @JsonProperty("before") Map<String, Object> before,
        @JsonProperty("after") Map<String, Object> after,
        @JsonProperty("unchanged_fields") @JsonInclude(JsonInclude.Include.NON_EMPTY) Set<String> unchangedFields,
        @JsonProperty("ddl") String ddl,
        @JsonProperty("source_ts") Instant sourceTimestamp,
        @JsonProperty("position") @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = Position.SortKeyOnly.class) Position position,
        @JsonIgnore TableSchema schema,
        @JsonProperty("schema_ref") SchemaRef schemaRef) {

    public ChangeEvent {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(sourceTimestamp, "sourceTimestamp");
        Objects.requireNonNull(position, "position");
        key = readOnly(key);
        before = readOnly(before);
        after = readOnly(after);
        unchangedFields = unchangedFields == null || unchangedFields.isEmpty() ? Set.of() : Collections.unmodifiableSet(unchangedFields);
        switch (operation) {
            case INSERT, UPDATE -> {
                if (after == null) {
                    throw new IllegalArgumentException(operation + " event on " + collection + " needs an 'after' row");
                }
            }
            case DELETE -> {
                if (before == null && key == null) {
                    throw new IllegalArgumentException("DELETE event on " + collection + " needs a 'before' row or a 'key'");
                }
            }
            case DDL -> {
                if (ddl == null) {
                    throw new IllegalArgumentException("DDL event on " + collection + " needs the 'ddl' statement");
                }
            }
            case TRUNCATE -> { }
        }
    }

    private static Map<String, Object> readOnly(Map<String, Object> m) {
        return m == null ? null : Collections.unmodifiableMap(m);
    }

    /** A builder for an event of the given source, collection and operation. */
    public static Builder builder(String sourceId, String collection, Operation operation) {
        return new Builder(sourceId, collection, operation);
    }

    public static ChangeEvent insert(String sourceId, String collection, Map<String, Object> key,
                                     Map<String, Object> after, Position position) {
        return builder(sourceId, collection, Operation.INSERT).key(key).after(after).position(position).build();
    }

    public static ChangeEvent update(String sourceId, String collection, Map<String, Object> key,
                                     Map<String, Object> before, Map<String, Object> after, Position position) {
        return builder(sourceId, collection, Operation.UPDATE).key(key).before(before).after(after).position(position).build();
    }

    public static ChangeEvent delete(String sourceId, String collection, Map<String, Object> key,
                                     Map<String, Object> before, Position position) {
        return builder(sourceId, collection, Operation.DELETE).key(key).before(before).position(position).build();
    }

    public static ChangeEvent truncate(String sourceId, String collection, Position position) {
        return builder(sourceId, collection, Operation.TRUNCATE).position(position).build();
    }

    public static ChangeEvent ddl(String sourceId, String collection, String statement, Position position) {
        return builder(sourceId, collection, Operation.DDL).ddl(statement).position(position).build();
    }

    /**
     * The row that transforms and quality checks work on: {@code before} for DELETE, {@code after}
     * otherwise; null for TRUNCATE and DDL.
     */
    @JsonIgnore
    public Map<String, Object> data() {
        return operation == Operation.DELETE ? (before != null ? before : key) : after;
    }

    /** A copy whose {@link #data()} row is replaced: {@code before} for DELETE, {@code after} otherwise. */
    public ChangeEvent withData(Map<String, Object> row) {
        return operation == Operation.DELETE ? withBefore(row) : withAfter(row);
    }

    /** The table part of {@link #collection()}: {@code users} for {@code public.users}. */
    @JsonIgnore
    public String table() {
        int dot = collection.lastIndexOf('.');
        return dot < 0 ? collection : collection.substring(dot + 1);
    }

    public ChangeEvent withAfter(Map<String, Object> row) {
        return new ChangeEvent(sourceId, collection, operation, snapshot, key, before, row, unchangedFields, ddl,
                sourceTimestamp, position, schema, schemaRef);
    }

    public ChangeEvent withBefore(Map<String, Object> row) {
        return new ChangeEvent(sourceId, collection, operation, snapshot, key, row, after, unchangedFields, ddl,
                sourceTimestamp, position, schema, schemaRef);
    }

    public ChangeEvent withKey(Map<String, Object> newKey) {
        return new ChangeEvent(sourceId, collection, operation, snapshot, newKey, before, after, unchangedFields, ddl,
                sourceTimestamp, position, schema, schemaRef);
    }

    public ChangeEvent withCollection(String newCollection) {
        return new ChangeEvent(sourceId, newCollection, operation, snapshot, key, before, after, unchangedFields, ddl,
                sourceTimestamp, position, schema, schemaRef);
    }

    public ChangeEvent withSchema(TableSchema newSchema) {
        return new ChangeEvent(sourceId, collection, operation, snapshot, key, before, after, unchangedFields, ddl,
                sourceTimestamp, position, newSchema, schemaRef);
    }

    public ChangeEvent withSchemaRef(SchemaRef ref) {
        return new ChangeEvent(sourceId, collection, operation, snapshot, key, before, after, unchangedFields, ddl,
                sourceTimestamp, position, schema, ref);
    }

    public ChangeEvent withPosition(Position newPosition) {
        return new ChangeEvent(sourceId, collection, operation, snapshot, key, before, after, unchangedFields, ddl,
                sourceTimestamp, newPosition, schema, schemaRef);
    }

    /** Builds {@link ChangeEvent}s; {@code sourceTimestamp} defaults to now. */
    public static final class Builder {
        private final String sourceId;
        private final String collection;
        private final Operation operation;
        private boolean snapshot;
        private Map<String, Object> key;
        private Map<String, Object> before;
        private Map<String, Object> after;
        private Set<String> unchangedFields;
        private String ddl;
        private Instant sourceTimestamp;
        private Position position;
        private TableSchema schema;
        private SchemaRef schemaRef;

        private Builder(String sourceId, String collection, Operation operation) {
            this.sourceId = sourceId;
            this.collection = collection;
            this.operation = operation;
        }

        public Builder snapshot(boolean value) { this.snapshot = value; return this; }
        public Builder key(Map<String, Object> value) { this.key = value; return this; }
        public Builder before(Map<String, Object> value) { this.before = value; return this; }
        public Builder after(Map<String, Object> value) { this.after = value; return this; }
        public Builder unchangedFields(Set<String> value) { this.unchangedFields = value; return this; }
        public Builder ddl(String value) { this.ddl = value; return this; }
        public Builder sourceTimestamp(Instant value) { this.sourceTimestamp = value; return this; }
        public Builder position(Position value) { this.position = value; return this; }
        public Builder schema(TableSchema value) { this.schema = value; return this; }
        public Builder schemaRef(SchemaRef value) { this.schemaRef = value; return this; }

        public ChangeEvent build() {
            return new ChangeEvent(sourceId, collection, operation, snapshot, key, before, after, unchangedFields, ddl,
                    sourceTimestamp != null ? sourceTimestamp : Instant.now(), position, schema, schemaRef);
        }
    }
}
