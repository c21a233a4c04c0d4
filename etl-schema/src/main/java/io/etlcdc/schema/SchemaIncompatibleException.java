package io.etlcdc.schema;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;

import java.util.List;

/**
 * A schema was refused because it breaks readers: code {@link ErrorCode#SCHEMA_INCOMPATIBLE}, with every
 * {@link Incompatibility}. Thrown by {@link SchemaRegistry#register} when the subject's compatibility
 * mode refuses a schema, and by migrations when the target version cannot read the source version.
 */
public class SchemaIncompatibleException extends EtlException {
    private static final long serialVersionUID = 1L;
    private final String summary;
    private final transient List<Incompatibility> incompatibilities;

    public SchemaIncompatibleException(String summary, List<Incompatibility> incompatibilities) {
        super(ErrorCode.SCHEMA_INCOMPATIBLE, format(summary, incompatibilities));
        this.summary = summary;
        this.incompatibilities = List.copyOf(incompatibilities);
    }

    /** Every reason, in schema order. */
    public List<Incompatibility> incompatibilities() {
        return incompatibilities;
    }

    /** The first line of the message, without the list. */
    public String summary() {
        return summary;
    }

    /** The 409 body for the REST API. */
    public IncompatibleSchemaResponse toResponse() {
        return new IncompatibleSchemaResponse(summary, incompatibilities);
    }

    private static String format(String summary, List<Incompatibility> list) {
        StringBuilder sb = new StringBuilder(summary);
        for (Incompatibility i : list) {
            sb.append("\n  - ").append(i);
        }
        return sb.toString();
    }
}
