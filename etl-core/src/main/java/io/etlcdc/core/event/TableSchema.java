package io.etlcdc.core.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The shape of a captured table as its source saw it: the product's own table-schema format
 * (columns with name, type, nullable, default). Sources share one instance per table version across
 * events, so carrying it costs a reference.
 *
 * @param collection the table, e.g. {@code public.users}
 * @param columns    in table order
 * @param primaryKey the key column names, in key order; empty when the table has none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableSchema(
        @JsonProperty("collection") String collection,
        @JsonProperty("columns") List<Column> columns,
        @JsonProperty("primary_key") List<String> primaryKey) {

    public TableSchema {
        Objects.requireNonNull(collection, "collection");
        columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
        primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
    }

    /**
     * One column.
     *
     * @param name         column name
     * @param type         logical type
     * @param sourceType   the database's own type name, e.g. {@code varchar(255)} or {@code int4}; may be null
     * @param nullable     whether NULL is allowed
     * @param defaultValue the column default as SQL text, or null
     * @param precision    length or numeric precision, or null
     * @param scale        numeric scale, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(
            @JsonProperty("name") String name,
            @JsonProperty("type") ColumnType type,
            @JsonProperty("source_type") String sourceType,
            @JsonProperty("nullable") boolean nullable,
            @JsonProperty("default") String defaultValue,
            @JsonProperty("precision") Integer precision,
            @JsonProperty("scale") Integer scale) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }

        public static Column of(String name, ColumnType type, boolean nullable) {
            return new Column(name, type, null, nullable, null, null, null);
        }
    }

    /** The column with this name, if any. */
    public Optional<Column> column(String name) {
        for (Column c : columns) {
            if (c.name().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    @JsonIgnore
    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }
}
