package io.etlcdc.transform.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A template whose text is a dict or list literal with its {@code {{ expressions }}} inside string
 * literals, such as the spec's
 * <pre>{ "email": "***@{{ email.split('@')[1] }}", "phone": "***-***-{{ phone[-4:] }}" }</pre>
 * evaluated without rendering text and reading it back: the literal's shape is read once, at compile
 * time, and each record only evaluates the expressions and puts their text into the string values.
 *
 * <p>The result is the one {@link LiteralParser#typed} would give for the rendered text: when an
 * expression's text could change how the literal reads (it holds a quote, a backslash or a newline),
 * that record takes the slow path (render, then read back). Templates with tags ({@code if}, {@code for},
 * ...) or with expressions anywhere but inside string values never get a shape.
 */
final class LiteralShape {
    /** Marks expression {@code k} in the text read at compile time: {@code MARK k END}. */
    private static final char MARK = '\uE000';
    private static final char END = '\uE001';

    /** Alternating static text (String) and expressions (Compiler.Expr), in template order. */
    private final List<Object> parts;
    /** The shape: Map / List of shapes, {@link Piece}s, or immutable leaves (String, number, Boolean, null). */
    private final Object root;
    /** For each expression: the quote of the string literal it sits in. */
    private final char[] quotes;
    /** For each expression: the length of the static text before it (for the output-length limit). */
    private final long[] staticBefore;

    /** A string value made of static text and expression results: {@code segments[0] expr0 segments[1] ... }. */
    private record Piece(String[] segments, int[] exprs) {
    }

    private LiteralShape(List<Object> parts, Object root, char[] quotes, long[] staticBefore) {
        this.parts = parts;
        this.root = root;
        this.quotes = quotes;
        this.staticBefore = staticBefore;
    }

    /**
     * The shape of a template made of {@code parts} (String text and Compiler.Expr outputs, in order), or
     * null when it has none (not a dict/list literal with every expression inside a string value).
     */
    static LiteralShape of(List<Object> parts) {
        StringBuilder marked = new StringBuilder();
        int exprs = 0;
        long[] staticBefore = new long[parts.size()];
        long staticChars = 0;
        for (Object p : parts) {
            if (p instanceof String text) {
                if (text.indexOf(MARK) >= 0 || text.indexOf(END) >= 0) {
                    return null;
                }
                marked.append(text);
                staticChars += text.length();
            } else {
                if (marked.length() > 0 && marked.charAt(marked.length() - 1) == '\\') {
                    return null; // an escape in the static text would take the expression's first character
                }
                staticBefore[exprs] = staticChars;
                marked.append(MARK).append(exprs++).append(END);
            }
        }
        if (exprs == 0) {
            return null;
        }
        String t = marked.toString().strip();
        if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[')) {
            return null;
        }
        char[] quotes = new char[exprs];
        int[] seen = new int[exprs];
        Object root;
        try {
            root = shape(LiteralParser.parseWithQuotes(t), quotes, seen);
        } catch (RuntimeException notAShape) {
            return null;
        }
        for (int s : seen) {
            if (s != 1) {
                return null; // a marker was cut by an escape in the static text, or sits outside a string value
            }
        }
        return root == null ? null : new LiteralShape(List.copyOf(parts), root, quotes, java.util.Arrays.copyOf(staticBefore, exprs));
    }

    /** The shape of a value read from the marked text; throws when a marker sits where it must not. */
    private static Object shape(Object v, char[] quotes, int[] seen) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object key = e.getKey() instanceof LiteralParser.Quoted q ? q.text() : e.getKey();
                if (key instanceof String k && (k.indexOf(MARK) >= 0 || k.indexOf(END) >= 0)) {
                    throw new IllegalArgumentException("expression in a key");
                }
                out.put(key, shape(e.getValue(), quotes, seen));
            }
            return out;
        }
        if (v instanceof PyTuple) {
            throw new IllegalArgumentException("tuple");
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object item : l) {
                out.add(shape(item, quotes, seen));
            }
            return out;
        }
        if (v instanceof LiteralParser.Quoted q) {
            return piece(q.text(), q.quote(), quotes, seen);
        }
        return v;
    }

    private static Object piece(String s, char quote, char[] quotes, int[] seen) {
        if (s.indexOf(MARK) < 0) {
            if (s.indexOf(END) >= 0) {
                throw new IllegalArgumentException("cut marker");
            }
            return s;
        }
        List<String> segments = new ArrayList<>();
        List<Integer> exprs = new ArrayList<>();
        int from = 0;
        while (true) {
            int mark = s.indexOf(MARK, from);
            if (mark < 0) {
                String rest = s.substring(from);
                if (rest.indexOf(END) >= 0) {
                    throw new IllegalArgumentException("cut marker");
                }
                segments.add(rest);
                break;
            }
            String before = s.substring(from, mark);
            if (before.indexOf(END) >= 0) {
                throw new IllegalArgumentException("cut marker");
            }
            segments.add(before);
            int end = s.indexOf(END, mark);
            int k = Integer.parseInt(s.substring(mark + 1, end));
            exprs.add(k);
            quotes[k] = quote;
            seen[k]++;
            from = end + 1;
        }
        return new Piece(segments.toArray(new String[0]), exprs.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The template's typed value on one record, as {@code LiteralParser.typed(render(...))} gives it. */
    Object evaluate(Frame f) {
        String[] values = new String[quotes.length];
        long pieceChars = 0;
        int k = 0;
        boolean safe = true;
        for (Object p : parts) {
            if (p instanceof Compiler.Expr e) {
                String v = Py.str(e.eval(f));
                pieceChars += v.length();
                f.checkLength(staticBefore[k] + pieceChars);
                if (safe && !safeIn(v, quotes[k])) {
                    safe = false;
                }
                values[k++] = v;
            }
        }
        if (!safe) {
            StringBuilder text = new StringBuilder();
            int j = 0;
            for (Object p : parts) {
                text.append(p instanceof String s ? s : values[j++]);
            }
            return LiteralParser.typed(text.toString());
        }
        return build(root, values);
    }

    /** True when {@code v} inside a string literal quoted with {@code quote} reads back as itself. */
    private static boolean safeIn(String v, char quote) {
        for (int i = 0, n = v.length(); i < n; i++) {
            char c = v.charAt(i);
            if (c == quote || c == '\\' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    private static Object build(Object shape, String[] values) {
        if (shape instanceof Piece p) {
            StringBuilder sb = new StringBuilder(p.segments[0]);
            for (int i = 0; i < p.exprs.length; i++) {
                sb.append(values[p.exprs[i]]).append(p.segments[i + 1]);
            }
            return sb.toString();
        }
        if (shape instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, (int) (m.size() / 0.75f) + 1));
            m.forEach((key, v) -> out.put(key, build(v, values)));
            return out;
        }
        if (shape instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object item : l) {
                out.add(build(item, values));
            }
            return out;
        }
        return shape;
    }
}
