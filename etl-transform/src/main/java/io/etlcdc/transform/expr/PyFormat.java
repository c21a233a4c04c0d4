package io.etlcdc.transform.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Python's printf-style {@code %} formatting and Jinja2's {@code tojson}. Stateless. */
final class PyFormat {
    private PyFormat() {}

    /** {@code fmt % args}: args is a tuple (several values), a dict (named values) or one value. */
    static String percent(String fmt, Object args, Frame f) {
        List<?> positional = args instanceof PyTuple t ? t : List.of(args == null ? NONE : args);
        Map<?, ?> named = args instanceof Map<?, ?> m ? m : null;
        StringBuilder out = new StringBuilder();
        int argi = 0;
        int i = 0;
        int n = fmt.length();
        while (i < n) {
            char c = fmt.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i >= n) throw PyException.value("incomplete format");
            Object value = null;
            boolean haveValue = false;
            if (fmt.charAt(i) == '(') {
                int close = fmt.indexOf(')', i);
                if (close < 0) throw PyException.value("incomplete format key");
                if (named == null) throw PyException.type("format requires a mapping");
                String key = fmt.substring(i + 1, close);
                if (!named.containsKey(key)) throw new PyException("KeyError", Py.repr(key));
                value = named.get(key);
                haveValue = true;
                i = close + 1;
            }
            StringBuilder flags = new StringBuilder();
            while (i < n && "-+ #0".indexOf(fmt.charAt(i)) >= 0) flags.append(fmt.charAt(i++));
            int width = -1;
            int start = i;
            while (i < n && Character.isDigit(fmt.charAt(i))) i++;
            if (i > start) width = Integer.parseInt(fmt.substring(start, i));
            int precision = -1;
            if (i < n && fmt.charAt(i) == '.') {
                i++;
                start = i;
                while (i < n && Character.isDigit(fmt.charAt(i))) i++;
                precision = i > start ? Integer.parseInt(fmt.substring(start, i)) : 0;
            }
            if (i >= n) throw PyException.value("incomplete format");
            char conv = fmt.charAt(i++);
            if (conv == '%') {
                out.append('%');
                continue;
            }
            if (!haveValue) {
                if (named != null && !(args instanceof PyTuple)) {
                    value = args;
                } else {
                    if (argi >= positional.size()) throw PyException.type("not enough arguments for format string");
                    value = positional.get(argi++);
                }
                if (value == NONE) value = null;
            }
            if (width > 100_000 || precision > 100_000) throw PyException.security("format width too large");
            String body = formatOne(conv, value, flags.toString(), precision);
            out.append(pad(body, width, flags.toString(), conv));
            f.checkLength(out.length());
        }
        if (named == null && argi < positional.size() && !(positional.size() == 1 && positional.get(0) instanceof Map)) {
            throw PyException.type("not all arguments converted during string formatting");
        }
        return out.toString();
    }

    private static final Object NONE = new Object();

    private static String formatOne(char conv, Object v, String flags, int precision) {
        switch (conv) {
            case 's': {
                String s = Py.str(v);
                return precision >= 0 && precision < s.length() ? s.substring(0, precision) : s;
            }
            case 'r': {
                String s = Py.repr(v);
                return precision >= 0 && precision < s.length() ? s.substring(0, precision) : s;
            }
            case 'd': case 'i': case 'u': {
                BigInteger x = integral(v, conv);
                return sign(x.signum() < 0, flags) + x.abs();
            }
            case 'x': case 'X': case 'o': {
                if (Py.numKind(v) != Py.INT) throw PyException.type("%" + conv + " format: an integer is required, not " + Py.typeName(v));
                BigInteger x = Py.toBigInteger(v);
                String digits = x.abs().toString(conv == 'o' ? 8 : 16);
                if (conv == 'X') digits = digits.toUpperCase(java.util.Locale.ROOT);
                if (flags.contains("#")) digits = (conv == 'o' ? "0o" : conv == 'x' ? "0x" : "0X") + digits;
                return sign(x.signum() < 0, flags) + digits;
            }
            case 'c': {
                if (Py.numKind(v) == Py.INT) return new String(Character.toChars((int) Py.toLong(v)));
                if (Py.isString(v) && v.toString().length() == 1) return v.toString();
                throw PyException.type("%c requires int or char");
            }
            case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': {
                double d = real(v, conv);
                String body = formatFloat(Math.abs(d), conv, precision < 0 ? 6 : precision, flags.contains("#"));
                boolean negative = d < 0 || (d == 0 && 1 / d < 0);
                return sign(negative, flags) + body;
            }
            default:
                throw PyException.value("unsupported format character '" + conv + "'");
        }
    }

    private static String sign(boolean negative, String flags) {
        return negative ? "-" : flags.contains("+") ? "+" : flags.contains(" ") ? " " : "";
    }

    private static BigInteger integral(Object v, char conv) {
        int k = Py.numKind(v);
        if (k == Py.INT) return Py.toBigInteger(v);
        if (k == Py.FLOAT) return new BigDecimal(Py.toDouble(v)).toBigInteger();
        if (k == Py.DECIMAL) return ((BigDecimal) v).toBigInteger();
        throw PyException.type("%" + conv + " format: a real number is required, not " + Py.typeName(v));
    }

    private static double real(Object v, char conv) {
        if (Py.numKind(v) >= 0) return Py.toDouble(v);
        throw PyException.type("must be real number, not " + Py.typeName(v));
    }

    /** Formats a non-negative finite or infinite double as Python's %f/%e/%g would. */
    static String formatFloat(double d, char conv, int precision, boolean alt) {
        boolean upper = Character.isUpperCase(conv);
        if (Double.isNaN(d)) return upper ? "NAN" : "nan";
        if (Double.isInfinite(d)) return upper ? "INF" : "inf";
        BigDecimal exact = new BigDecimal(d);
        switch (Character.toLowerCase(conv)) {
            case 'f':
                return exact.setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
            case 'e':
                return sci(exact, precision, upper, true);
            default: {
                int p = precision == 0 ? 1 : precision;
                if (d == 0) {
                    return alt ? "0." + "0".repeat(p - 1) : "0";
                }
                BigDecimal rounded = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
                int exp = rounded.precision() - rounded.scale() - 1;
                String s;
                if (exp >= -4 && exp < p) {
                    s = rounded.setScale(Math.max(0, p - 1 - exp), RoundingMode.HALF_EVEN).toPlainString();
                    if (!alt && s.contains(".")) s = stripZeros(s);
                    return s;
                }
                s = sci(exact, p - 1, upper, alt);
                if (!alt) {
                    int e = s.indexOf(upper ? 'E' : 'e');
                    s = stripZeros(s.substring(0, e)) + s.substring(e);
                }
                return s;
            }
        }
    }

    private static String stripZeros(String s) {
        if (!s.contains(".")) return s;
        int end = s.length();
        while (s.charAt(end - 1) == '0') end--;
        if (s.charAt(end - 1) == '.') end--;
        return s.substring(0, end);
    }

    private static String sci(BigDecimal exact, int precision, boolean upper, boolean keepPoint) {
        String digits;
        int exp;
        if (exact.signum() == 0) {
            digits = "0".repeat(precision + 1);
            exp = 0;
        } else {
            BigDecimal r = exact.round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            exp = r.precision() - r.scale() - 1;
            digits = r.unscaledValue().abs().toString();
            while (digits.length() < precision + 1) digits += "0";
            digits = digits.substring(0, precision + 1);
        }
        StringBuilder sb = new StringBuilder().append(digits.charAt(0));
        if (precision > 0) sb.append('.').append(digits, 1, digits.length());
        sb.append(upper ? 'E' : 'e').append(exp < 0 ? '-' : '+');
        int ax = Math.abs(exp);
        if (ax < 10) sb.append('0');
        return sb.append(ax).toString();
    }

    private static String pad(String body, int width, String flags, char conv) {
        if (width <= body.length()) return body;
        int fill = width - body.length();
        if (flags.contains("-")) return body + " ".repeat(fill);
        if (flags.contains("0") && "diufFeEgGxXo".indexOf(conv) >= 0) {
            int signLen = !body.isEmpty() && "+- ".indexOf(body.charAt(0)) >= 0 ? 1 : 0;
            return body.substring(0, signLen) + "0".repeat(fill) + body.substring(signLen);
        }
        return " ".repeat(fill) + body;
    }

    // ---------------------------------------------------------------- JSON

    /** Jinja2's {@code tojson}: {@code json.dumps(sort_keys=True)} with {@code <>&'} escaped for HTML. */
    static String toJson(Object value, Integer indent) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, value, indent, 0);
        String s = sb.toString();
        if (s.indexOf('<') >= 0 || s.indexOf('>') >= 0 || s.indexOf('&') >= 0 || s.indexOf('\'') >= 0) {
            s = s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027");
        }
        return s;
    }

    private static void newline(StringBuilder sb, Integer indent, int depth) {
        if (indent != null) {
            sb.append('\n');
            sb.append(" ".repeat(indent * depth));
        }
    }

    private static void writeJson(StringBuilder sb, Object v, Integer indent, int depth) {
        if (v == null || v instanceof Undefined) {
            if (v instanceof Undefined u) throw u.error();
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (Py.numKind(v) == Py.FLOAT) {
            double d = Py.toDouble(v);
            sb.append(Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : Py.floatRepr(d));
        } else if (Py.numKind(v) >= 0) {
            sb.append(v instanceof BigDecimal d ? d.toPlainString() : v.toString());
        } else if (v instanceof CharSequence cs) {
            jsonString(sb, cs.toString());
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object k = e.getKey();
                String key = k == null ? "null" : k instanceof Boolean b ? (b ? "true" : "false")
                        : Py.numKind(k) == Py.FLOAT ? Py.floatRepr(Py.toDouble(k)) : k.toString();
                sorted.put(key, e.getValue());
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                if (!first) sb.append(indent == null ? ", " : ",");
                first = false;
                newline(sb, indent, depth + 1);
                jsonString(sb, e.getKey());
                sb.append(": ");
                writeJson(sb, e.getValue(), indent, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            if (c.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            boolean first = true;
            for (Object item : c) {
                if (!first) sb.append(indent == null ? ", " : ",");
                first = false;
                newline(sb, indent, depth + 1);
                writeJson(sb, item, indent, depth + 1);
            }
            newline(sb, indent, depth);
            sb.append(']');
        } else {
            // Documented deviation: Python refuses dates and other objects; we write their text.
            jsonString(sb, Py.str(v));
        }
    }

    static void jsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    static List<Object> list(Object... items) {
        List<Object> l = new ArrayList<>(items.length);
        java.util.Collections.addAll(l, items);
        return l;
    }
}
