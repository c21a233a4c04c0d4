package io.etlcdc.transform.expr;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Jinja2's {@code is} tests ({@code x is defined}, {@code x is divisibleby 3}, ...). Stateless. */
final class PyTests {
    private PyTests() {}

    static boolean exists(String name) {
        return switch (name) {
            case "defined", "undefined", "none", "boolean", "false", "true", "integer", "float", "number", "string",
                 "mapping", "iterable", "sequence", "sameas", "escaped", "lower", "upper", "even", "odd", "divisibleby",
                 "eq", "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=",
                 "in", "callable", "filter", "test" -> true;
            default -> false;
        };
    }

    static boolean test(String name, Object v, List<Object> args) {
        Object arg = args.isEmpty() ? null : args.get(0);
        switch (name) {
            case "defined": return !(v instanceof Undefined);
            case "undefined": return v instanceof Undefined;
            case "none": return v == null;
            case "boolean": return v instanceof Boolean;
            case "false": return Boolean.FALSE.equals(v);
            case "true": return Boolean.TRUE.equals(v);
            case "integer": return Py.numKind(v) == Py.INT && !(v instanceof Boolean);
            case "float": return Py.numKind(v) == Py.FLOAT;
            case "number": return Py.numKind(v) >= 0;
            case "string": return v instanceof CharSequence;
            case "mapping": return v instanceof Map;
            case "iterable": return v instanceof Collection || v instanceof Map || v instanceof CharSequence || v instanceof Undefined;
            case "sequence": return v instanceof Collection || v instanceof Map || v instanceof CharSequence;
            case "callable": return false;
            case "sameas": return v == arg || (v != null && Py.numKind(v) < 0 && v.equals(arg) && v instanceof Boolean);
            case "escaped": return false;
            case "lower": return Py.str(v).equals(Py.str(v).toLowerCase(java.util.Locale.ROOT));
            case "upper": return Py.str(v).equals(Py.str(v).toUpperCase(java.util.Locale.ROOT));
            case "even": return Py.truthy(Py.eq(Py.mod(v, 2L, null), 0L));
            case "odd": return Py.truthy(Py.eq(Py.mod(v, 2L, null), 1L));
            case "divisibleby": return Py.eq(Py.mod(v, arg, null), 0L);
            case "eq": case "equalto": case "==": return Py.eq(v, arg);
            case "ne": case "!=": return !Py.eq(v, arg);
            case "lt": case "lessthan": case "<": return Py.lt(v, arg);
            case "le": case "<=": return Py.le(v, arg);
            case "gt": case "greaterthan": case ">": return Py.gt(v, arg);
            case "ge": case ">=": return Py.ge(v, arg);
            case "in": return Py.contains(arg, v);
            case "filter": return PyFilters.exists(Py.str(v));
            case "test": return exists(Py.str(v));
            default: throw new PyException("TemplateAssertionError", "No test named '" + name + "'.");
        }
    }
}
