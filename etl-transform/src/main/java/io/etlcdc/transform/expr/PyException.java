package io.etlcdc.transform.expr;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;

/**
 * An error raised while evaluating a template on one record, named like the Python exception Jinja2
 * would raise ({@code TypeError}, {@code UndefinedError}, {@code ZeroDivisionError},
 * {@code SecurityError}, ...), so users can compare with what they know.
 */
public class PyException extends EtlException {
    private static final long serialVersionUID = 1L;
    private final String pythonType;

    public PyException(String pythonType, String message) {
        super(ErrorCode.TRANSFORM_FAILED, pythonType + ": " + message);
        this.pythonType = pythonType;
    }

    /** The Python exception name, e.g. {@code TypeError}. */
    public String pythonType() {
        return pythonType;
    }

    static PyException type(String message) {
        return new PyException("TypeError", message);
    }

    static PyException value(String message) {
        return new PyException("ValueError", message);
    }

    static PyException security(String message) {
        return new PyException("SecurityError", message);
    }
}
