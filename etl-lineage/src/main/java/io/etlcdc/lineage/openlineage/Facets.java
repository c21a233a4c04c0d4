package io.etlcdc.lineage.openlineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** The OpenLineage facets this product emits, with the spec versions they follow. */
public final class Facets {
    private Facets() {}

    public static final String RUN_EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
    public static final String SCHEMA_FACET = "https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet";
    public static final String COLUMN_LINEAGE_FACET =
            "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet";
    public static final String ERROR_MESSAGE_FACET =
            "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";
    public static final String JOB_TYPE_FACET = "https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet";

    /** {@code schema}: the dataset's columns. */
    public record Schema(@JsonProperty("_producer") String producer, @JsonProperty("_schemaURL") String schemaUrl,
                         @JsonProperty("fields") List<Field> fields) {}

    /** One column of a {@code schema} facet. */
    public record Field(@JsonProperty("name") String name) {}

    /** {@code columnLineage}: for each output column, the input columns it is computed from. */
    public record ColumnLineageFacet(@JsonProperty("_producer") String producer, @JsonProperty("_schemaURL") String schemaUrl,
                                     @JsonProperty("fields") Map<String, FieldLineage> fields) {}

    /** The input columns one output column is computed from. */
    public record FieldLineage(@JsonProperty("inputFields") List<InputField> inputFields) {}

    /** One input column: dataset namespace and name, column, and how it becomes the output column. */
    public record InputField(@JsonProperty("namespace") String namespace, @JsonProperty("name") String name,
                             @JsonProperty("field") String field, @JsonProperty("transformations") List<Transformation> transformations) {}

    /** {@code DIRECT/IDENTITY} for a copied value, {@code DIRECT/TRANSFORMATION} for a computed one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Transformation(@JsonProperty("type") String type, @JsonProperty("subtype") String subtype,
                                 @JsonProperty("description") String description) {}

    /** {@code errorMessage}: why a run failed. */
    public record ErrorMessage(@JsonProperty("_producer") String producer, @JsonProperty("_schemaURL") String schemaUrl,
                               @JsonProperty("message") String message, @JsonProperty("programmingLanguage") String programmingLanguage) {}

    /** {@code jobType}: a streaming job of this integration. */
    public record JobType(@JsonProperty("_producer") String producer, @JsonProperty("_schemaURL") String schemaUrl,
                          @JsonProperty("processingType") String processingType, @JsonProperty("integration") String integration,
                          @JsonProperty("jobType") String jobType) {}
}
