package io.etlcdc.transform.expr;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;

/** A template that cannot be compiled, with the 1-based line and column of the problem and the reason. */
public class TemplateSyntaxException extends EtlException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;
    private final String reason;

    public TemplateSyntaxException(int line, int column, String reason) {
        super(ErrorCode.TRANSFORM_FAILED, "template error at line " + line + ", column " + column + ": " + reason);
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String reason() {
        return reason;
    }
}
