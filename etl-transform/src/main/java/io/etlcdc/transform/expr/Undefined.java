package io.etlcdc.transform.expr;

/**
 * Jinja2's {@code Undefined}: the value of a name or key that does not exist. Renders as the empty
 * string, is falsy, iterates as empty; any other use (arithmetic, attribute access) raises
 * {@code UndefinedError} naming what was missing. Immutable, thread-safe.
 */
public final class Undefined {
    private final String hint;

    Undefined(String hint) {
        this.hint = hint;
    }

    /** An undefined value described by {@code hint}, e.g. {@code 'email' is undefined}. */
    public static Undefined of(String hint) {
        return new Undefined(hint);
    }

    /** Why the value is undefined, for error messages. */
    public String hint() {
        return hint;
    }

    PyException error() {
        return new PyException("UndefinedError", hint);
    }

    @Override
    public String toString() {
        return "";
    }
}
