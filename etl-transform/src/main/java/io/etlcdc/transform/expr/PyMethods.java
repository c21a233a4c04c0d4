package io.etlcdc.transform.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The methods templates may call on values: Python's non-mutating {@code str}, {@code list} and
 * {@code dict} methods. Everything else is refused: there is no path to Java methods, so
 * {@code getClass()}, {@code forName} and friends do not exist here.
 */
final class PyMethods {
    private static final Set<String> MUTATING = Set.of("append", "extend", "insert", "pop", "remove", "clear",
            "sort", "reverse", "update", "setdefault", "popitem", "add", "discard", "__setitem__", "__delitem__");

    private PyMethods() {}

    static Object call(Object target, String name, List<Object> args, Map<String, Object> kwargs, Frame f) {
        f.step();
        if (target instanceof Undefined u) throw u.error();
        if (name.startsWith("_")) {
            throw PyException.security("access to attribute '" + name + "' of '" + Py.typeName(target) + "' object is unsafe");
        }
        if (target instanceof String s) return string(s, name, args, kwargs, f);
        if (target instanceof Map<?, ?> m) {
            Object member = m.get(name);
            if (member != null && !isDictMethod(name)) {
                throw PyException.type("'" + Py.typeName(member) + "' object is not callable");
            }
            return dict(m, name, args);
        }
        if (target instanceof List<?> l) return list(l, name, args);
        if (target == null) {
            throw new PyException("UndefinedError", "'None' has no attribute '" + name + "'");
        }
        if (target instanceof CharSequence cs) return string(cs.toString(), name, args, kwargs, f);
        throw new PyException("UndefinedError", "'" + Py.typeName(target) + " object' has no attribute '" + name + "'");
    }

    private static boolean isDictMethod(String name) {
        return switch (name) {
            case "get", "keys", "values", "items", "copy" -> true;
            default -> false;
        };
    }

    private static Object arg(List<Object> args, int i, Object dflt) {
        return i < args.size() ? args.get(i) : dflt;
    }

    private static String strArg(List<Object> args, int i, String method) {
        Object o = args.get(i);
        if (!(o instanceof CharSequence)) {
            if (o instanceof Undefined u) throw u.error();
            throw PyException.type(method + "() argument must be str, not " + Py.typeName(o));
        }
        return o.toString();
    }

    private static void arity(String method, List<Object> args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            throw PyException.type(method + "() takes " + (min == max ? "exactly " + min : "at most " + max)
                    + " argument" + (max == 1 ? "" : "s") + " (" + args.size() + " given)");
        }
    }

    private static Object string(String s, String name, List<Object> args, Map<String, Object> kwargs, Frame f) {
        switch (name) {
            case "lower": arity(name, args, 0, 0); return s.toLowerCase(Locale.ROOT);
            case "upper": arity(name, args, 0, 0); return s.toUpperCase(Locale.ROOT);
            case "casefold": arity(name, args, 0, 0); return s.toLowerCase(Locale.ROOT);
            case "swapcase": {
                StringBuilder sb = new StringBuilder(s.length());
                for (char c : s.toCharArray()) sb.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
                return sb.toString();
            }
            case "strip": case "lstrip": case "rstrip": {
                arity(name, args, 0, 1);
                Object chars = arg(args, 0, null);
                String set = chars == null ? null : strArg(args, 0, name);
                return strip(s, set, !name.equals("rstrip"), !name.equals("lstrip"));
            }
            case "split": case "rsplit": {
                Object sep = args.isEmpty() ? kwargs.get("sep") : args.get(0);
                Object max = args.size() > 1 ? args.get(1) : kwargs.getOrDefault("maxsplit", -1L);
                return split(s, sep == null ? null : sep.toString(), (int) Py.toLong(max), name.equals("rsplit"), f);
            }
            case "splitlines": {
                List<Object> out = new ArrayList<>();
                for (String line : s.split("\r\n|\r|\n", -1)) out.add(line);
                if (!out.isEmpty() && out.get(out.size() - 1).equals("")) out.remove(out.size() - 1);
                return out;
            }
            case "startswith": case "endswith": {
                arity(name, args, 1, 3);
                Object p = args.get(0);
                int start = args.size() > 1 && args.get(1) != null ? (int) normIndex(Py.toLong(args.get(1)), s.length()) : 0;
                int end = args.size() > 2 && args.get(2) != null ? (int) normIndex(Py.toLong(args.get(2)), s.length()) : s.length();
                String sub = start > end ? "" : s.substring(start, end);
                if (start > s.length()) return false;
                List<?> options = p instanceof PyTuple t ? t : List.of(p);
                for (Object o : options) {
                    if (!(o instanceof CharSequence)) {
                        throw PyException.type(name + " first arg must be str or a tuple of str, not " + Py.typeName(o));
                    }
                    if (name.equals("startswith") ? sub.startsWith(o.toString()) : sub.endsWith(o.toString())) return true;
                }
                return false;
            }
            case "replace": {
                arity(name, args, 2, 3);
                String old = strArg(args, 0, name);
                String neu = strArg(args, 1, name);
                long count = args.size() > 2 ? Py.toLong(args.get(2)) : -1;
                return replace(s, old, neu, count, f);
            }
            case "find": case "rfind": case "index": case "rindex": case "count": {
                arity(name, args, 1, 3);
                String sub = strArg(args, 0, name);
                int start = args.size() > 1 && args.get(1) != null ? (int) normIndex(Py.toLong(args.get(1)), s.length()) : 0;
                int end = args.size() > 2 && args.get(2) != null ? (int) normIndex(Py.toLong(args.get(2)), s.length()) : s.length();
                if (start > end || start > s.length()) {
                    if (name.equals("count")) return 0L;
                    if (name.startsWith("r") && name.endsWith("index") || name.equals("index")) throw PyException.value("substring not found");
                    return -1L;
                }
                String window = s.substring(start, end);
                if (name.equals("count")) {
                    if (sub.isEmpty()) return (long) window.length() + 1;
                    long n = 0;
                    for (int i = window.indexOf(sub); i >= 0; i = window.indexOf(sub, i + sub.length())) n++;
                    return n;
                }
                int at = name.startsWith("r") ? window.lastIndexOf(sub) : window.indexOf(sub);
                if (at < 0) {
                    if (name.contains("index")) throw PyException.value("substring not found");
                    return -1L;
                }
                return (long) (at + start);
            }
            case "join": {
                arity(name, args, 1, 1);
                StringBuilder sb = new StringBuilder();
                boolean first = true;
                for (Object o : Py.iterate(args.get(0))) {
                    if (!(o instanceof CharSequence)) {
                        throw PyException.type("sequence item: expected str instance, " + Py.typeName(o) + " found");
                    }
                    if (!first) sb.append(s);
                    first = false;
                    sb.append(o);
                    f.checkLength(sb.length());
                }
                return sb.toString();
            }
            case "title": return pyTitle(s);
            case "capitalize": return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "zfill": {
                int width = (int) Py.toLong(args.get(0));
                f.checkLength(width);
                if (s.length() >= width) return s;
                int signLen = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
                return s.substring(0, signLen) + "0".repeat(width - s.length()) + s.substring(signLen);
            }
            case "ljust": case "rjust": case "center": {
                arity(name, args, 1, 2);
                int width = (int) Math.min(Integer.MAX_VALUE, Py.toLong(args.get(0)));
                f.checkLength(width);
                String fill = args.size() > 1 ? strArg(args, 1, name) : " ";
                if (fill.length() != 1) throw PyException.type("The fill character must be exactly one character long");
                if (s.length() >= width) return s;
                int total = width - s.length();
                if (name.equals("ljust")) return s + fill.repeat(total);
                if (name.equals("rjust")) return fill.repeat(total) + s;
                int left = total / 2 + (total & width & 1);
                return fill.repeat(left) + s + fill.repeat(total - left);
            }
            case "partition": case "rpartition": {
                String sep = strArg(args, 0, name);
                if (sep.isEmpty()) throw PyException.value("empty separator");
                int at = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
                if (at < 0) return name.equals("partition") ? new PyTuple(s, "", "") : new PyTuple("", "", s);
                return new PyTuple(s.substring(0, at), sep, s.substring(at + sep.length()));
            }
            case "removeprefix": { String p = strArg(args, 0, name); return s.startsWith(p) ? s.substring(p.length()) : s; }
            case "removesuffix": { String p = strArg(args, 0, name); return !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s; }
            case "isdigit": case "isdecimal": case "isnumeric": return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha": return !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum": return !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isspace": return !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
            case "islower": return s.chars().anyMatch(Character::isLowerCase) && s.chars().noneMatch(Character::isUpperCase);
            case "isupper": return s.chars().anyMatch(Character::isUpperCase) && s.chars().noneMatch(Character::isLowerCase);
            case "format": return PyStrFormat.format(s, args, kwargs, f);
            default:
                throw new PyException("UndefinedError", "'str object' has no attribute '" + name + "'");
        }
    }

    private static long normIndex(long i, int len) {
        if (i < 0) i += len;
        return Math.max(0, Math.min(len, i));
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int a = 0;
        int b = s.length();
        if (left) {
            while (a < b && (chars == null ? Character.isWhitespace(s.charAt(a)) : chars.indexOf(s.charAt(a)) >= 0)) a++;
        }
        if (right) {
            while (b > a && (chars == null ? Character.isWhitespace(s.charAt(b - 1)) : chars.indexOf(s.charAt(b - 1)) >= 0)) b--;
        }
        return s.substring(a, b);
    }

    static List<Object> split(String s, String sep, int maxsplit, boolean fromRight, Frame f) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            List<String> words = new ArrayList<>();
            int i = 0;
            int n = s.length();
            if (!fromRight) {
                while (i < n) {
                    while (i < n && Character.isWhitespace(s.charAt(i))) i++;
                    if (i >= n) break;
                    if (maxsplit >= 0 && words.size() == maxsplit) {
                        words.add(strip(s.substring(i), null, false, true));
                        break;
                    }
                    int start = i;
                    while (i < n && !Character.isWhitespace(s.charAt(i))) i++;
                    words.add(s.substring(start, i));
                }
                out.addAll(words);
            } else {
                int j = n;
                while (j > 0) {
                    while (j > 0 && Character.isWhitespace(s.charAt(j - 1))) j--;
                    if (j <= 0) break;
                    if (maxsplit >= 0 && words.size() == maxsplit) {
                        words.add(0, strip(s.substring(0, j), null, true, false));
                        break;
                    }
                    int end = j;
                    while (j > 0 && !Character.isWhitespace(s.charAt(j - 1))) j--;
                    words.add(0, s.substring(j, end));
                }
                out.addAll(words);
            }
            f.checkSize(out.size());
            return out;
        }
        if (sep.isEmpty()) throw PyException.value("empty separator");
        if (!fromRight) {
            int start = 0;
            int at;
            while ((maxsplit < 0 || out.size() < maxsplit) && (at = s.indexOf(sep, start)) >= 0) {
                out.add(s.substring(start, at));
                start = at + sep.length();
            }
            out.add(s.substring(start));
        } else {
            int end = s.length();
            int at;
            List<Object> rev = new ArrayList<>();
            while ((maxsplit < 0 || rev.size() < maxsplit) && (at = s.lastIndexOf(sep, end - sep.length())) >= 0 && end - sep.length() >= 0) {
                rev.add(0, s.substring(at + sep.length(), end));
                end = at;
            }
            rev.add(0, s.substring(0, end));
            out = rev;
        }
        f.checkSize(out.size());
        return out;
    }

    static String replace(String s, String old, String neu, long count, Frame f) {
        if (count < 0 && !old.isEmpty()) {
            long occurrences = 0;
            for (int i = s.indexOf(old); i >= 0; i = s.indexOf(old, i + old.length())) occurrences++;
            f.checkLength(s.length() + occurrences * (neu.length() - old.length()));
            return s.replace(old, neu);
        }
        StringBuilder sb = new StringBuilder();
        if (old.isEmpty()) {
            long limit = count < 0 ? Long.MAX_VALUE : count;
            long done = 0;
            for (int i = 0; i <= s.length(); i++) {
                if (done < limit) {
                    sb.append(neu);
                    done++;
                }
                if (i < s.length()) sb.append(s.charAt(i));
                f.checkLength(sb.length());
            }
            return sb.toString();
        }
        int start = 0;
        long done = 0;
        int at;
        while (done < count && (at = s.indexOf(old, start)) >= 0) {
            sb.append(s, start, at).append(neu);
            start = at + old.length();
            done++;
            f.checkLength(sb.length());
        }
        return sb.append(s.substring(start)).toString();
    }

    /** Python's {@code str.title()}: a letter after a non-letter is upper-cased, others lower-cased. */
    static String pyTitle(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c)) {
                sb.append(prevCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
                prevCased = true;
            } else {
                sb.append(c);
                prevCased = false;
            }
        }
        return sb.toString();
    }

    private static Object list(List<?> l, String name, List<Object> args) {
        if (MUTATING.contains(name)) {
            throw PyException.security("access to attribute '" + name + "' of '" + Py.typeName(l) + "' object is unsafe");
        }
        switch (name) {
            case "index": {
                for (int i = 0; i < l.size(); i++) {
                    if (Py.eq(l.get(i), args.get(0))) return (long) i;
                }
                throw PyException.value(Py.repr(args.get(0)) + " is not in list");
            }
            case "count": {
                long n = 0;
                for (Object o : l) if (Py.eq(o, args.get(0))) n++;
                return n;
            }
            case "copy": return new ArrayList<>(l);
            default:
                throw new PyException("UndefinedError", "'" + Py.typeName(l) + " object' has no attribute '" + name + "'");
        }
    }

    private static Object dict(Map<?, ?> m, String name, List<Object> args) {
        if (MUTATING.contains(name)) {
            throw PyException.security("access to attribute '" + name + "' of 'dict' object is unsafe");
        }
        switch (name) {
            case "get": {
                arity(name, args, 1, 2);
                Object k = args.get(0);
                Object v = Py.getitem(m, k);
                return v instanceof Undefined ? arg(args, 1, null) : v;
            }
            case "keys": return new ArrayList<Object>(m.keySet());
            case "values": return new ArrayList<Object>(m.values());
            case "items": {
                List<Object> out = new ArrayList<>(m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) out.add(new PyTuple(e.getKey(), e.getValue()));
                return out;
            }
            case "copy": return new java.util.LinkedHashMap<Object, Object>(m);
            default:
                throw new PyException("UndefinedError", "'dict object' has no attribute '" + name + "'");
        }
    }
}
