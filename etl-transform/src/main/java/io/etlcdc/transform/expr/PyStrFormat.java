package io.etlcdc.transform.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Python's {@code str.format}: positional and named fields with the common format-spec mini-language. */
final class PyStrFormat {
    private PyStrFormat() {}

    static String format(String fmt, List<Object> args, Map<String, Object> kwargs, Frame f) {
        StringBuilder out = new StringBuilder();
        int auto = 0;
        int i = 0;
        int n = fmt.length();
        while (i < n) {
            char c = fmt.charAt(i);
            if (c == '{') {
                if (i + 1 < n && fmt.charAt(i + 1) == '{') {
                    out.append('{');
                    i += 2;
                    continue;
                }
                int close = fmt.indexOf('}', i);
                if (close < 0) throw PyException.value("Single '{' encountered in format string");
                String field = fmt.substring(i + 1, close);
                i = close + 1;
                String spec = "";
                String conversion = null;
                int colon = field.indexOf(':');
                if (colon >= 0) {
                    spec = field.substring(colon + 1);
                    field = field.substring(0, colon);
                }
                int bang = field.indexOf('!');
                if (bang >= 0) {
                    conversion = field.substring(bang + 1);
                    field = field.substring(0, bang);
                }
                Object value;
                if (field.isEmpty()) {
                    if (auto >= args.size()) throw new PyException("IndexError", "Replacement index " + auto + " out of range for positional args tuple");
                    value = args.get(auto++);
                } else if (field.chars().allMatch(Character::isDigit)) {
                    int idx = Integer.parseInt(field);
                    if (idx >= args.size()) throw new PyException("IndexError", "Replacement index " + idx + " out of range for positional args tuple");
                    value = args.get(idx);
                } else {
                    String[] parts = field.split("\\.");
                    if (!kwargs.containsKey(parts[0])) throw new PyException("KeyError", Py.repr(parts[0]));
                    value = kwargs.get(parts[0]);
                    for (int p = 1; p < parts.length; p++) value = Py.getattr(value, parts[p]);
                }
                if ("r".equals(conversion)) value = Py.repr(value);
                else if ("s".equals(conversion)) value = Py.str(value);
                out.append(formatSpec(value, spec));
                f.checkLength(out.length());
            } else if (c == '}') {
                if (i + 1 < n && fmt.charAt(i + 1) == '}') {
                    out.append('}');
                    i += 2;
                    continue;
                }
                throw PyException.value("Single '}' encountered in format string");
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    static String formatSpec(Object value, String spec) {
        if (spec.isEmpty()) return Py.str(value);
        int i = 0;
        char fill = ' ';
        char align = 0;
        if (spec.length() >= 2 && "<>^=".indexOf(spec.charAt(1)) >= 0) {
            fill = spec.charAt(0);
            align = spec.charAt(1);
            i = 2;
        } else if ("<>^=".indexOf(spec.charAt(0)) >= 0) {
            align = spec.charAt(0);
            i = 1;
        }
        char sign = '-';
        if (i < spec.length() && "+- ".indexOf(spec.charAt(i)) >= 0) sign = spec.charAt(i++);
        if (i < spec.length() && spec.charAt(i) == '0') {
            if (align == 0) {
                fill = '0';
                align = '=';
            }
            i++;
        }
        int start = i;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) i++;
        int width = i > start ? Integer.parseInt(spec.substring(start, i)) : 0;
        if (width > 100_000) throw PyException.security("format width too large");
        boolean comma = false;
        if (i < spec.length() && spec.charAt(i) == ',') {
            comma = true;
            i++;
        }
        int precision = -1;
        if (i < spec.length() && spec.charAt(i) == '.') {
            i++;
            start = i;
            while (i < spec.length() && Character.isDigit(spec.charAt(i))) i++;
            precision = Integer.parseInt(spec.substring(start, i));
        }
        char type = i < spec.length() ? spec.charAt(i) : 0;
        String body;
        boolean numeric = Py.numKind(value) >= 0 && !(value instanceof Boolean && type == 0);
        boolean negative = false;
        if (type == 's' || (type == 0 && !numeric)) {
            if (numeric && type == 's') throw PyException.value("Unknown format code 's' for object of type '" + Py.typeName(value) + "'");
            body = Py.str(value);
            if (precision >= 0 && precision < body.length()) body = body.substring(0, precision);
            if (align == 0) align = '<';
        } else {
            if (Py.numKind(value) < 0) {
                throw PyException.value("Unknown format code '" + type + "' for object of type '" + Py.typeName(value) + "'");
            }
            if (align == 0) align = '>';
            switch (type) {
                case 'd': {
                    if (Py.numKind(value) != Py.INT) throw PyException.value("Unknown format code 'd' for object of type '" + Py.typeName(value) + "'");
                    BigInteger x = Py.toBigInteger(value);
                    negative = x.signum() < 0;
                    body = group(x.abs().toString(), comma);
                    break;
                }
                case 'x': case 'X': case 'o': case 'b': {
                    BigInteger x = Py.toBigInteger(value);
                    negative = x.signum() < 0;
                    body = x.abs().toString(type == 'o' ? 8 : type == 'b' ? 2 : 16);
                    if (type == 'X') body = body.toUpperCase(java.util.Locale.ROOT);
                    break;
                }
                case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case '%': {
                    double d = Py.toDouble(value);
                    if (value instanceof BigDecimal bd && (type == 'f' || type == 'F')) {
                        negative = bd.signum() < 0;
                        body = bd.abs().setScale(precision < 0 ? 6 : precision, java.math.RoundingMode.HALF_EVEN).toPlainString();
                    } else {
                        negative = d < 0;
                        if (type == '%') {
                            body = PyFormat.formatFloat(Math.abs(d) * 100, 'f', precision < 0 ? 6 : precision, false) + "%";
                        } else {
                            body = PyFormat.formatFloat(Math.abs(d), type, precision < 0 ? 6 : precision, false);
                        }
                    }
                    if (comma) {
                        int dot = body.indexOf('.');
                        String intPart = dot < 0 ? body : body.substring(0, dot);
                        body = group(intPart, true) + (dot < 0 ? "" : body.substring(dot));
                    }
                    break;
                }
                case 0: {
                    if (Py.numKind(value) == Py.FLOAT && precision >= 0) {
                        double d = Py.toDouble(value);
                        negative = d < 0;
                        body = PyFormat.formatFloat(Math.abs(d), 'g', precision, false);
                    } else {
                        String s = Py.str(value);
                        negative = s.startsWith("-");
                        body = negative ? s.substring(1) : s;
                        if (comma && Py.numKind(value) == Py.INT) body = group(body, true);
                    }
                    break;
                }
                default:
                    throw PyException.value("Unknown format code '" + type + "' for object of type '" + Py.typeName(value) + "'");
            }
            String signText = negative ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : "";
            if (align == '=') {
                int fillCount = Math.max(0, width - signText.length() - body.length());
                return signText + String.valueOf(fill).repeat(fillCount) + body;
            }
            body = signText + body;
        }
        int fillCount = Math.max(0, width - body.length());
        if (fillCount == 0) return body;
        String pad = String.valueOf(fill);
        return switch (align) {
            case '<' -> body + pad.repeat(fillCount);
            case '^' -> pad.repeat(fillCount / 2) + body + pad.repeat(fillCount - fillCount / 2);
            default -> pad.repeat(fillCount) + body;
        };
    }

    private static String group(String digits, boolean comma) {
        if (!comma || digits.length() <= 3) return digits;
        StringBuilder sb = new StringBuilder();
        int first = digits.length() % 3;
        if (first > 0) sb.append(digits, 0, first);
        for (int i = first; i < digits.length(); i += 3) {
            if (sb.length() > 0) sb.append(',');
            sb.append(digits, i, i + 3);
        }
        return sb.toString();
    }
}
