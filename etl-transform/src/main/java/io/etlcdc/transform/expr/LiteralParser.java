package io.etlcdc.transform.expr;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads rendered template text back into a typed value when the whole text is a literal: a number,
 * {@code True/False/None} (or JSON's {@code true/false/null}), or a list/dict/tuple written in
 * Python or JSON syntax. Anything else stays text. This is how a multi-line
 * {@code { "email": ..., "phone": ... }} template yields a nested object.
 */
final class LiteralParser {
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]*)?([eE][-+]?[0-9]+)?|-?\\.[0-9]+([eE][-+]?[0-9]+)?");
    private static final Object NOT_LITERAL = new Object();

    private final String s;
    /** When true, string values come back as {@link Quoted} (their quote kept); keys stay plain strings. */
    private final boolean keepQuotes;
    private int i;

    private LiteralParser(String s) {
        this(s, false);
    }

    private LiteralParser(String s, boolean keepQuotes) {
        this.s = s;
        this.keepQuotes = keepQuotes;
    }

    /** A string value read in {@link #parseWithQuotes} mode, with the quote it was written in. */
    record Quoted(String text, char quote) {
    }

    /**
     * Reads {@code text} (already stripped) as one dict/list literal, string values as {@link Quoted};
     * throws when it is not exactly one literal. For {@link LiteralShape}, at compile time.
     */
    static Object parseWithQuotes(String text) {
        LiteralParser p = new LiteralParser(text, true);
        Object v = p.value();
        p.ws();
        if (p.i != text.length() || v == NOT_LITERAL) {
            throw new IllegalArgumentException("not one literal");
        }
        return v;
    }

    /** The typed value of {@code text}, or {@code text} itself when it is not a literal. */
    static Object typed(String text) {
        String t = text.strip();
        if (t.isEmpty()) return text;
        char c = t.charAt(0);
        if (c == '[' || c == '{' || c == '(') {
            LiteralParser p = new LiteralParser(t);
            try {
                Object v = p.value();
                p.ws();
                return p.i == t.length() && v != NOT_LITERAL ? v : text;
            } catch (RuntimeException e) {
                return text;
            }
        }
        switch (t) {
            case "True", "true": return Boolean.TRUE;
            case "False", "false": return Boolean.FALSE;
            case "None", "null": return null;
            default: break;
        }
        if ((c == '-' || c == '.' || Character.isDigit(c)) && NUMBER.matcher(t).matches()) {
            return number(t);
        }
        return text;
    }

    private static Object number(String t) {
        if (t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0) {
            return Py.normalizeInt(new BigInteger(t));
        }
        return Double.parseDouble(t);
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private Object value() {
        ws();
        if (i >= s.length()) throw new IllegalArgumentException("end");
        char c = s.charAt(i);
        switch (c) {
            case '{': return dict();
            case '[': return sequence(']', false);
            case '(': return sequence(')', true);
            case '"': case '\'': return keepQuotes ? new Quoted(string(c), c) : string(c);
            default: return atom();
        }
    }

    private Object dict() {
        i++;
        Map<Object, Object> out = new LinkedHashMap<>();
        ws();
        if (peek('}')) {
            i++;
            return out;
        }
        while (true) {
            Object k = value();
            if (k instanceof Quoted q) {
                k = q.text();
            }
            ws();
            expect(':');
            Object v = value();
            out.put(k, v);
            ws();
            if (peek(',')) {
                i++;
                ws();
                if (peek('}')) {
                    i++;
                    return out;
                }
                continue;
            }
            expect('}');
            return out;
        }
    }

    private Object sequence(char close, boolean tuple) {
        i++;
        List<Object> out = new ArrayList<>();
        boolean sawComma = false;
        ws();
        if (peek(close)) {
            i++;
            return tuple ? new PyTuple() : out;
        }
        while (true) {
            out.add(value());
            ws();
            if (peek(',')) {
                i++;
                sawComma = true;
                ws();
                if (peek(close)) {
                    i++;
                    break;
                }
                continue;
            }
            expect(close);
            break;
        }
        if (tuple) {
            return sawComma ? PyTuple.of(out) : out.get(0);
        }
        return out;
    }

    private String string(char quote) {
        i++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == quote) return sb.toString();
            if (c == '\n') throw new IllegalArgumentException("newline in string");
            if (c == '\\') {
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case '/' -> sb.append('/');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    case 'x' -> {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 2), 16));
                        i += 2;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private Object atom() {
        int start = i;
        while (i < s.length() && "{}[](),:".indexOf(s.charAt(i)) < 0 && !Character.isWhitespace(s.charAt(i))) i++;
        String t = s.substring(start, i);
        switch (t) {
            case "True", "true": return Boolean.TRUE;
            case "False", "false": return Boolean.FALSE;
            case "None", "null": return null;
            default: break;
        }
        if (NUMBER.matcher(t).matches()) return number(t);
        throw new IllegalArgumentException("not a literal: " + t);
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) throw new IllegalArgumentException("expected " + c);
        i++;
    }
}
