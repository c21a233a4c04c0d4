package io.etlcdc.transform.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Jinja2's built-in filters with Python's behaviour. Stateless, thread-safe. */
final class PyFilters {

    /** One filter: input, positional arguments, named arguments. */
    @FunctionalInterface
    interface Filter {
        Object apply(Object input, Args args, Frame f);
    }

    /** A filter call's arguments, read by position or by name. */
    record Args(List<Object> positional, Map<String, Object> named) {
        Object get(int index, String name, Object dflt) {
            if (index < positional.size()) return positional.get(index);
            if (named.containsKey(name)) return named.get(name);
            return dflt;
        }
    }

    private static final Map<String, Filter> FILTERS = new HashMap<>();
    private static final Set<String> REFUSED = Set.of("random", "shuffle", "pprint", "xmlattr", "urlize", "filesizeformat",
            "wordwrap", "groupby", "attr", "indent", "batch", "slice");

    static {
        FILTERS.put("abs", (v, a, f) -> {
            return switch (Py.numKind(v)) {
                case Py.INT -> v instanceof BigInteger bi ? Py.normalizeInt(bi.abs()) : Py.toLong(v) < 0 ? Py.neg(v) : (Object) Py.toLong(v);
                case Py.FLOAT -> Math.abs(Py.toDouble(v));
                case Py.DECIMAL -> ((BigDecimal) v).abs();
                default -> throw PyException.type("bad operand type for abs(): '" + Py.typeName(v) + "'");
            };
        });
        FILTERS.put("capitalize", (v, a, f) -> {
            String s = Py.str(v);
            return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
        });
        FILTERS.put("center", (v, a, f) -> {
            long width = Py.toLong(a.get(0, "width", 80L));
            f.checkLength(width);
            return PyMethods.call(Py.str(v), "center", List.of(width), Map.of(), f);
        });
        Filter dflt = (v, a, f) -> {
            Object fallback = a.get(0, "default_value", "");
            boolean bool = Py.truthy(a.get(1, "boolean", false));
            if (v instanceof Undefined || (bool && !Py.truthy(v))) return fallback;
            return v;
        };
        FILTERS.put("default", dflt);
        FILTERS.put("d", dflt);
        FILTERS.put("dictsort", (v, a, f) -> {
            boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
            String by = Py.str(a.get(1, "by", "key"));
            boolean reverse = Py.truthy(a.get(2, "reverse", false));
            List<Object> items = new ArrayList<>();
            for (Map.Entry<?, ?> e : asMap(v).entrySet()) items.add(new PyTuple(e.getKey(), e.getValue()));
            int pos = by.equals("value") ? 1 : 0;
            items.sort((x, y) -> Py.compare(sortKey(((PyTuple) x).get(pos), caseSensitive), sortKey(((PyTuple) y).get(pos), caseSensitive), "<"));
            if (reverse) java.util.Collections.reverse(items);
            return items;
        });
        Filter escape = (v, a, f) -> escapeHtml(Py.str(v));
        FILTERS.put("escape", escape);
        FILTERS.put("e", escape);
        FILTERS.put("forceescape", escape);
        FILTERS.put("safe", (v, a, f) -> Py.str(v));
        FILTERS.put("first", (v, a, f) -> {
            List<?> l = Py.iterate(v);
            return l.isEmpty() ? Undefined.of("No first item, sequence was empty.") : l.get(0);
        });
        FILTERS.put("last", (v, a, f) -> {
            List<?> l = Py.iterate(v);
            return l.isEmpty() ? Undefined.of("No last item, sequence was empty.") : l.get(l.size() - 1);
        });
        FILTERS.put("float", (v, a, f) -> toFloat(v, a.get(0, "default", 0.0)));
        FILTERS.put("int", (v, a, f) -> toInt(v, a.get(0, "default", 0L), (int) Py.toLong(a.get(1, "base", 10L))));
        FILTERS.put("format", (v, a, f) -> {
            if (!a.named().isEmpty() && !a.positional().isEmpty()) {
                throw new PyException("FilterArgumentError", "can't handle positional and keyword arguments at the same time");
            }
            Object args = !a.named().isEmpty() ? a.named() : new PyTuple(a.positional().toArray());
            return PyFormat.percent(Py.str(v), args, f);
        });
        FILTERS.put("items", (v, a, f) -> {
            if (v instanceof Undefined) return new ArrayList<>();
            return PyMethods.call(asMap(v), "items", List.of(), Map.of(), f);
        });
        FILTERS.put("join", (v, a, f) -> {
            String sep = Py.str(a.get(0, "d", ""));
            Object attribute = a.get(1, "attribute", null);
            StringBuilder sb = new StringBuilder();
            boolean first = true;
            for (Object item : Py.iterate(v)) {
                if (!first) sb.append(sep);
                first = false;
                sb.append(Py.str(attribute == null ? item : attr(item, attribute)));
                f.checkLength(sb.length());
            }
            return sb.toString();
        });
        Filter len = (v, a, f) -> Py.len(v);
        FILTERS.put("length", len);
        FILTERS.put("count", len);
        FILTERS.put("list", (v, a, f) -> new ArrayList<>(Py.iterate(v)));
        FILTERS.put("lower", (v, a, f) -> Py.str(v).toLowerCase(Locale.ROOT));
        FILTERS.put("upper", (v, a, f) -> Py.str(v).toUpperCase(Locale.ROOT));
        FILTERS.put("map", (v, a, f) -> {
            List<Object> out = new ArrayList<>();
            Object attribute = a.named().get("attribute");
            if (attribute != null) {
                Object fallback = a.named().get("default");
                for (Object item : Py.iterate(v)) {
                    Object x = attr(item, attribute);
                    out.add(x instanceof Undefined && a.named().containsKey("default") ? fallback : x);
                }
                return out;
            }
            if (a.positional().isEmpty()) return out;
            String name = Py.str(a.positional().get(0));
            Filter inner = get(name);
            Args rest = new Args(a.positional().subList(1, a.positional().size()), a.named());
            for (Object item : Py.iterate(v)) {
                f.step();
                out.add(inner.apply(item, rest, f));
            }
            return out;
        });
        FILTERS.put("max", (v, a, f) -> minMax(v, a, true));
        FILTERS.put("min", (v, a, f) -> minMax(v, a, false));
        FILTERS.put("replace", (v, a, f) -> {
            Object count = a.get(2, "count", null);
            return PyMethods.replace(Py.str(v), Py.str(a.get(0, "old", "")), Py.str(a.get(1, "new", "")),
                    count == null ? -1 : Py.toLong(count), f);
        });
        FILTERS.put("reverse", (v, a, f) -> {
            if (Py.isString(v)) return new StringBuilder(v.toString()).reverse().toString();
            List<Object> l = new ArrayList<>(Py.iterate(v));
            java.util.Collections.reverse(l);
            return l;
        });
        FILTERS.put("round", (v, a, f) -> round(v, (int) Py.toLong(a.get(0, "precision", 0L)), Py.str(a.get(1, "method", "common"))));
        FILTERS.put("select", (v, a, f) -> select(v, a, f, false, true));
        FILTERS.put("reject", (v, a, f) -> select(v, a, f, false, false));
        FILTERS.put("selectattr", (v, a, f) -> select(v, a, f, true, true));
        FILTERS.put("rejectattr", (v, a, f) -> select(v, a, f, true, false));
        FILTERS.put("sort", (v, a, f) -> {
            boolean reverse = Py.truthy(a.get(0, "reverse", false));
            boolean caseSensitive = Py.truthy(a.get(1, "case_sensitive", false));
            Object attribute = a.get(2, "attribute", null);
            List<Object> l = new ArrayList<>(Py.iterate(v));
            Comparator<Object> cmp = (x, y) -> Py.compare(sortKey(attribute == null ? x : attr(x, attribute), caseSensitive),
                    sortKey(attribute == null ? y : attr(y, attribute), caseSensitive), "<");
            l.sort(reverse ? cmp.reversed() : cmp);
            return l;
        });
        FILTERS.put("string", (v, a, f) -> Py.str(v));
        FILTERS.put("striptags", (v, a, f) -> Py.str(v).replaceAll("(<!--.*?-->|<[^>]*>)", "").trim().replaceAll("\\s+", " "));
        FILTERS.put("sum", (v, a, f) -> {
            Object attribute = a.get(0, "attribute", null);
            Object total = a.get(1, "start", 0L);
            for (Object item : Py.iterate(v)) {
                total = Py.add(total, attribute == null ? item : attr(item, attribute));
            }
            return total;
        });
        FILTERS.put("title", (v, a, f) -> title(Py.str(v)));
        FILTERS.put("tojson", (v, a, f) -> {
            Object indent = a.get(0, "indent", null);
            return PyFormat.toJson(v, indent == null ? null : (int) Py.toLong(indent));
        });
        FILTERS.put("trim", (v, a, f) -> {
            Object chars = a.get(0, "chars", null);
            return PyMethods.strip(Py.str(v), chars == null ? null : Py.str(chars), true, true);
        });
        FILTERS.put("truncate", (v, a, f) -> {
            String s = Py.str(v);
            int length = (int) Py.toLong(a.get(0, "length", 255L));
            boolean killwords = Py.truthy(a.get(1, "killwords", false));
            String end = Py.str(a.get(2, "end", "..."));
            Object leewayArg = a.get(3, "leeway", null);
            int leeway = leewayArg == null ? 5 : (int) Py.toLong(leewayArg);
            if (length < end.length()) throw new PyException("AssertionError", "expected length >= " + end.length() + ", got " + length);
            if (leeway < 0) throw new PyException("AssertionError", "expected leeway >= 0, got " + leeway);
            if (s.length() <= length + leeway) return s;
            if (killwords) return s.substring(0, length - end.length()) + end;
            String cut = s.substring(0, length - end.length());
            int space = cut.lastIndexOf(' ');
            String head = space < 0 ? "" : cut.substring(0, space);
            return head + end;
        });
        FILTERS.put("unique", (v, a, f) -> {
            boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
            Object attribute = a.get(1, "attribute", null);
            List<Object> out = new ArrayList<>();
            List<Object> seen = new ArrayList<>();
            for (Object item : Py.iterate(v)) {
                Object key = sortKey(attribute == null ? item : attr(item, attribute), caseSensitive);
                boolean dup = false;
                for (Object s : seen) {
                    if (Py.eq(s, key)) {
                        dup = true;
                        break;
                    }
                }
                if (!dup) {
                    seen.add(key);
                    out.add(item);
                }
            }
            return out;
        });
        FILTERS.put("urlencode", (v, a, f) -> {
            if (v instanceof Map<?, ?> m) {
                StringBuilder sb = new StringBuilder();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (sb.length() > 0) sb.append('&');
                    sb.append(urlQuote(Py.str(e.getKey()), "")).append('=').append(urlQuote(Py.str(e.getValue()), ""));
                }
                return sb.toString();
            }
            return urlQuote(Py.str(v), "/");
        });
        FILTERS.put("wordcount", (v, a, f) -> {
            Matcher m = Pattern.compile("\\w+", Pattern.UNICODE_CHARACTER_CLASS).matcher(Py.str(v));
            long n = 0;
            while (m.find()) n++;
            return n;
        });
    }

    private PyFilters() {}

    static boolean exists(String name) {
        return FILTERS.containsKey(name);
    }

    static boolean refused(String name) {
        return REFUSED.contains(name);
    }

    static Filter get(String name) {
        Filter filter = FILTERS.get(name);
        if (filter == null) {
            throw new PyException("TemplateAssertionError", "No filter named '" + name + "'.");
        }
        return filter;
    }

    private static Map<?, ?> asMap(Object v) {
        if (v instanceof Map<?, ?> m) return m;
        if (v instanceof Undefined u) throw u.error();
        throw new PyException("FilterArgumentError", "You can only sort by either \"key\" or \"value\"; input is not a dict but " + Py.typeName(v));
    }

    static Object attr(Object item, Object attribute) {
        Object current = item;
        if (Py.numKind(attribute) == Py.INT) return Py.getitem(current, attribute);
        for (String part : Py.str(attribute).split("\\.")) {
            Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
            current = Py.getitem(current, key);
        }
        return current;
    }

    private static Object sortKey(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? s.toLowerCase(Locale.ROOT) : v;
    }

    private static Object minMax(Object v, Args a, boolean max) {
        boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
        Object attribute = a.get(1, "attribute", null);
        Object best = null;
        Object bestKey = null;
        boolean any = false;
        for (Object item : Py.iterate(v)) {
            Object key = sortKey(attribute == null ? item : attr(item, attribute), caseSensitive);
            if (!any || (max ? Py.gt(key, bestKey) : Py.lt(key, bestKey))) {
                best = item;
                bestKey = key;
                any = true;
            }
        }
        return any ? best : Undefined.of("No aggregated item, sequence was empty.");
    }

    static Object round(Object v, int precision, String method) {
        if (!Set.of("common", "ceil", "floor").contains(method)) {
            throw new PyException("FilterArgumentError", "method must be common, ceil or floor");
        }
        int kind = Py.numKind(v);
        if (kind < 0) {
            if (v instanceof Undefined u) throw u.error();
            throw PyException.type("type " + Py.typeName(v) + " doesn't define __round__ method");
        }
        if (method.equals("common")) {
            // Python's round(): half-even on the exact value; an int stays an int, Decimal stays Decimal.
            if (kind == Py.INT) {
                if (precision >= 0) return v instanceof Boolean b ? (b ? 1L : 0L) : Py.normalizeInt(Py.toBigInteger(v));
                return Py.normalizeInt(new BigDecimal(Py.toBigInteger(v)).setScale(precision, RoundingMode.HALF_EVEN).toBigInteger());
            }
            if (kind == Py.DECIMAL) return ((BigDecimal) v).setScale(precision, RoundingMode.HALF_EVEN);
            double d = Py.toDouble(v);
            if (!Double.isFinite(d)) return d;
            return new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).doubleValue();
        }
        // ceil/floor: math.ceil(value * 10**precision) / 10**precision, always a float
        double scale = Math.pow(10, precision);
        double scaled = Py.toDouble(Py.mul(v, precision >= 0 ? (Object) (long) scale : (Object) scale, null));
        double r = method.equals("ceil") ? Math.ceil(scaled) : Math.floor(scaled);
        return precision >= 0 ? r / (long) scale : r / scale;
    }

    static Object toInt(Object v, Object dflt, int base) {
        int kind = Py.numKind(v);
        if (kind == Py.INT) return v instanceof Boolean b ? (b ? 1L : 0L) : Py.normalizeInt(Py.toBigInteger(v));
        if (kind == Py.FLOAT) {
            double d = Py.toDouble(v);
            return Double.isFinite(d) ? Py.normalizeInt(new BigDecimal(d).toBigInteger()) : dflt;
        }
        if (kind == Py.DECIMAL) return Py.normalizeInt(((BigDecimal) v).toBigInteger());
        if (Py.isString(v)) {
            String s = v.toString().trim().replace("_", "");
            try {
                if (base == 16 && (s.startsWith("0x") || s.startsWith("0X"))) s = s.substring(2);
                else if (base == 8 && (s.startsWith("0o") || s.startsWith("0O"))) s = s.substring(2);
                else if (base == 2 && (s.startsWith("0b") || s.startsWith("0B"))) s = s.substring(2);
                if (s.startsWith("+")) s = s.substring(1);
                return Py.normalizeInt(new BigInteger(s, base));
            } catch (NumberFormatException e) {
                try {
                    double d = parseFloat(v.toString());
                    return Double.isFinite(d) ? Py.normalizeInt(new BigDecimal(d).toBigInteger()) : dflt;
                } catch (NumberFormatException e2) {
                    return dflt;
                }
            }
        }
        return dflt;
    }

    static Object toFloat(Object v, Object dflt) {
        int kind = Py.numKind(v);
        if (kind >= 0) return Py.toDouble(v);
        if (Py.isString(v)) {
            try {
                return parseFloat(v.toString());
            } catch (NumberFormatException e) {
                return dflt;
            }
        }
        return dflt;
    }

    static double parseFloat(String text) {
        String s = text.trim().replace("_", "").toLowerCase(Locale.ROOT);
        switch (s) {
            case "nan": case "+nan": case "-nan": return Double.NaN;
            case "inf": case "+inf": case "infinity": case "+infinity": return Double.POSITIVE_INFINITY;
            case "-inf": case "-infinity": return Double.NEGATIVE_INFINITY;
            default: break;
        }
        if (s.isEmpty() || s.endsWith("d") || s.endsWith("f") || s.startsWith("0x") || s.contains("p")) throw new NumberFormatException(text);
        return Double.parseDouble(s);
    }

    private static Object select(Object v, Args a, Frame f, boolean byAttribute, boolean keep) {
        List<Object> pos = a.positional();
        int i = 0;
        Object attribute = null;
        if (byAttribute) {
            if (pos.isEmpty()) throw new PyException("FilterArgumentError", "Missing parameter for attribute name");
            attribute = pos.get(i++);
        }
        String test = i < pos.size() ? Py.str(pos.get(i++)) : null;
        List<Object> testArgs = new ArrayList<>(pos.subList(Math.min(i, pos.size()), pos.size()));
        List<Object> out = new ArrayList<>();
        for (Object item : Py.iterate(v)) {
            f.step();
            Object subject = byAttribute ? attr(item, attribute) : item;
            boolean ok = test == null ? Py.truthy(subject) : PyTests.test(test, subject, testArgs);
            if (ok == keep) out.add(item);
        }
        return out;
    }

    private static final Pattern TITLE_WORDS = Pattern.compile("([-\\s({\\[<]+)");

    /** Jinja2's {@code title} filter (not Python's str.title): words split at spaces, dashes and brackets. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder();
        Matcher m = TITLE_WORDS.matcher(s);
        int last = 0;
        List<String> parts = new ArrayList<>();
        while (m.find()) {
            parts.add(s.substring(last, m.start()));
            parts.add(m.group());
            last = m.end();
        }
        parts.add(s.substring(last));
        for (String item : parts) {
            if (item.isEmpty()) continue;
            sb.append(item.substring(0, 1).toUpperCase(Locale.ROOT)).append(item.substring(1).toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    static String escapeHtml(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String urlQuote(String s, String safe) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "_.-~".indexOf(c) >= 0
                    || safe.indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    static Map<String, Object> linked() {
        return new LinkedHashMap<>();
    }

    static boolean isCollection(Object o) {
        return o instanceof Collection || o instanceof Map;
    }
}
