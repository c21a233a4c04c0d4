package io.etlcdc.core.error;

import java.util.Objects;

/**
 * The one unchecked exception base of the product. Every failure carries an {@link ErrorCode}; the
 * message names what failed, the offending value where there is one, and what was expected.
 * Subclass {@link RetriableEtlException} for failures that may succeed when tried again.
 */
public class EtlException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public EtlException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public EtlException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    /** True when trying the same operation again later may succeed. */
    public boolean isRetriable() {
        return false;
    }
}
