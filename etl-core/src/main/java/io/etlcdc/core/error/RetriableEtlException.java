package io.etlcdc.core.error;

/**
 * A failure that may go away when the operation is tried again: a connection reset, a database
 * restarting, a broker leader election. The runtime retries these with backoff and holds the
 * pipeline (back-pressure) instead of losing data.
 */
public class RetriableEtlException extends EtlException {
    private static final long serialVersionUID = 1L;

    public RetriableEtlException(ErrorCode code, String message) {
        super(code, message);
    }

    public RetriableEtlException(ErrorCode code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public boolean isRetriable() {
        return true;
    }
}
