package io.etlcdc.server.api;

import java.util.Map;

/**
 * An HTTP error with its status and JSON body {@code {"error": ..., "detail": ...}} (plus extra
 * fields such as per-key {@code errors} or schema {@code incompatibilities}).
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String detail;
    private final transient Map<String, Object> extra;

    public ApiException(int status, String error, String detail) {
        this(status, error, detail, Map.of());
    }

    public ApiException(int status, String error, String detail, Map<String, Object> extra) {
        super(error);
        this.status = status;
        this.detail = detail;
        this.extra = extra;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    public static ApiException badRequest(String error, String detail) {
        return new ApiException(400, error, detail);
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(404, what + " not found", "no " + what + " with id '" + id + "'");
    }

    public static ApiException conflict(String error, String detail) {
        return new ApiException(409, error, detail);
    }
}
