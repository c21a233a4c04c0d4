package io.etlcdc.transform.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's semantics for the values rules see: truthiness, {@code str()}/{@code repr()}, arithmetic
 * across int, float and Decimal, comparisons, membership, attribute and item access, slicing.
 * Stateless; every method is thread-safe.
 *
 * <p>Value mapping: {@code None} is {@code null}; bool is {@link Boolean}; int is
 * {@link Integer}/{@link Long} (growing to {@link BigInteger}); float is {@link Double} (or
 * {@link Float}); {@code Decimal} is {@link BigDecimal}; str is {@link String}; list is {@link List};
 * tuple is {@link PyTuple}; dict is {@link Map}.
 */
public final class Py {
    /** Python's default decimal context: 28 significant digits, half-even. */
    static final MathContext DECIMAL_CONTEXT = new MathContext(28, RoundingMode.HALF_EVEN);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private Py() {}

    // ---------------------------------------------------------------- kinds

    static final int NOT_NUMBER = -1;
    static final int INT = 0;
    static final int FLOAT = 1;
    static final int DECIMAL = 2;

    static int numKind(Object o) {
        if (o instanceof Long || o instanceof Integer || o instanceof Boolean || o instanceof Short
                || o instanceof Byte || o instanceof BigInteger) {
            return INT;
        }
        if (o instanceof Double || o instanceof Float) {
            return FLOAT;
        }
        if (o instanceof BigDecimal) {
            return DECIMAL;
        }
        return NOT_NUMBER;
    }

    static boolean isInt(Object o) {
        return numKind(o) == INT;
    }

    static boolean isString(Object o) {
        return o instanceof String || o instanceof CharSequence;
    }

    /** The Python type name of a value, for error messages. */
    public static String typeName(Object o) {
        if (o == null) return "NoneType";
        if (o instanceof Boolean) return "bool";
        if (o instanceof Undefined) return "Undefined";
        return switch (numKind(o)) {
            case INT -> "int";
            case FLOAT -> "float";
            case DECIMAL -> "decimal.Decimal";
            default -> o instanceof CharSequence ? "str"
                    : o instanceof PyTuple ? "tuple"
                    : o instanceof List ? "list"
                    : o instanceof Map ? "dict"
                    : o instanceof Collection ? "list"
                    : o.getClass().getSimpleName();
        };
    }

    static long toLong(Object o) {
        if (o instanceof Boolean b) return b ? 1 : 0;
        if (o instanceof BigInteger bi) {
            if (bi.bitLength() > 63) {
                throw new PyException("OverflowError", "Python int too large to convert to C ssize_t");
            }
            return bi.longValue();
        }
        return ((Number) o).longValue();
    }

    static BigInteger toBigInteger(Object o) {
        if (o instanceof BigInteger bi) return bi;
        return BigInteger.valueOf(toLong(o));
    }

    static double toDouble(Object o) {
        if (o instanceof Boolean b) return b ? 1 : 0;
        return ((Number) o).doubleValue();
    }

    static BigDecimal toDecimal(Object o) {
        if (o instanceof BigDecimal d) return d;
        if (o instanceof BigInteger bi) return new BigDecimal(bi);
        if (numKind(o) == FLOAT) {
            // Documented deviation: Python refuses Decimal op float; we use the float's shortest repr.
            return BigDecimal.valueOf(toDouble(o));
        }
        return BigDecimal.valueOf(toLong(o));
    }

    static Object normalizeInt(BigInteger v) {
        return v.compareTo(LONG_MIN) >= 0 && v.compareTo(LONG_MAX) <= 0 ? (Object) v.longValue() : v;
    }

    // ---------------------------------------------------------------- truth and text

    /** Python truthiness; Undefined is falsy. */
    public static boolean truthy(Object o) {
        if (o == null || o instanceof Undefined) return false;
        if (o instanceof Boolean b) return b;
        if (o instanceof String s) return !s.isEmpty();
        switch (numKind(o)) {
            case INT: return o instanceof BigInteger bi ? bi.signum() != 0 : toLong(o) != 0;
            case FLOAT: return toDouble(o) != 0.0;
            case DECIMAL: return ((BigDecimal) o).signum() != 0;
            default: break;
        }
        if (o instanceof CharSequence cs) return cs.length() > 0;
        if (o instanceof Collection<?> c) return !c.isEmpty();
        if (o instanceof Map<?, ?> m) return !m.isEmpty();
        return true;
    }

    /** Python's {@code str()}; Undefined renders as the empty string. */
    public static String str(Object o) {
        if (o instanceof String s) return s;
        if (o == null) return "None";
        if (o instanceof Undefined) return "";
        if (o instanceof Boolean b) return b ? "True" : "False";
        if (o instanceof Long || o instanceof Integer) return o.toString();
        if (o instanceof Double d) return floatRepr(d);
        if (o instanceof Float f) return floatRepr(f.doubleValue());
        if (o instanceof BigDecimal || o instanceof BigInteger || o instanceof Short || o instanceof Byte) return o.toString();
        if (o instanceof CharSequence cs) return cs.toString();
        if (o instanceof LocalDateTime t) return t.toLocalDate() + " " + timeStr(t.toLocalTime());
        if (o instanceof LocalTime t) return timeStr(t);
        if (o instanceof Instant i) {
            LocalDateTime t = LocalDateTime.ofInstant(i, ZoneOffset.UTC);
            return t.toLocalDate() + " " + timeStr(t.toLocalTime()) + "+00:00";
        }
        if (o instanceof byte[] bytes) return bytesRepr(bytes);
        if (o instanceof Collection || o instanceof Map) return repr(o);
        return o.toString();
    }

    private static String timeStr(LocalTime t) {
        String base = t.format(DateTimeFormatter.ofPattern("HH:mm:ss"));
        int micros = t.getNano() / 1000;
        return micros == 0 ? base : base + String.format(".%06d", micros);
    }

    private static String bytesRepr(byte[] bytes) {
        StringBuilder sb = new StringBuilder("b'");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\\' || c == '\'') sb.append('\\').append((char) c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (c < 32 || c >= 127) sb.append(String.format("\\x%02x", c));
            else sb.append((char) c);
        }
        return sb.append('\'').toString();
    }

    /** Python's {@code repr()}. */
    public static String repr(Object o) {
        if (o instanceof String s) return reprString(s);
        if (o instanceof BigDecimal d) return "Decimal('" + d + "')";
        if (o instanceof PyTuple t) {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < t.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(repr(t.get(i)));
            }
            return sb.append(t.size() == 1 ? ",)" : ")").toString();
        }
        if (o instanceof Collection<?> c) {
            StringBuilder sb = new StringBuilder("[");
            boolean first = true;
            for (Object item : c) {
                if (!first) sb.append(", ");
                first = false;
                sb.append(repr(item));
            }
            return sb.append(']').toString();
        }
        if (o instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (o instanceof CharSequence cs) return reprString(cs.toString());
        if (o instanceof LocalDateTime || o instanceof Instant) return "datetime('" + str(o) + "')";
        return str(o);
    }

    static String reprString(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote || c == '\\') sb.append('\\').append(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else if (c >= 0x80 && c < 0xa0) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.append(quote).toString();
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, exponent outside 1e-4..1e16. */
    public static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        // Shortest digits that read back as the same double, rounded from the exact binary value,
        // as CPython does (Double.toString on Java 17 is not always shortest).
        BigDecimal exact = new BigDecimal(Math.abs(d));
        BigDecimal shortest = null;
        for (int n = 1; n <= 17; n++) {
            BigDecimal candidate = exact.round(new MathContext(n, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == Math.abs(d)) {
                shortest = candidate;
                break;
            }
        }
        if (shortest == null) shortest = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
        String digits = shortest.unscaledValue().toString();
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') end--;
        int decpt = shortest.precision() - shortest.scale();
        digits = digits.substring(0, end);
        StringBuilder sb = new StringBuilder();
        if (d < 0) sb.append('-');
        if (decpt > 16 || decpt < -3) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
            int x = decpt - 1;
            sb.append('e').append(x < 0 ? '-' : '+');
            int ax = Math.abs(x);
            if (ax < 10) sb.append('0');
            sb.append(ax);
        } else if (decpt <= 0) {
            sb.append("0.");
            for (int i = 0; i < -decpt; i++) sb.append('0');
            sb.append(digits);
        } else if (decpt >= digits.length()) {
            sb.append(digits);
            for (int i = digits.length(); i < decpt; i++) sb.append('0');
            sb.append(".0");
        } else {
            sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- arithmetic

    private static PyException unsupported(String op, Object a, Object b) {
        if (a instanceof Undefined u) return u.error();
        if (b instanceof Undefined u) return u.error();
        return PyException.type("unsupported operand type(s) for " + op + ": '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    public static Object add(Object a, Object b) {
        int ka = numKind(a);
        int kb = numKind(b);
        if (ka >= 0 && kb >= 0) {
            int k = Math.max(ka, kb);
            if (k == INT) {
                if (a instanceof BigInteger || b instanceof BigInteger) return normalizeInt(toBigInteger(a).add(toBigInteger(b)));
                long x = toLong(a);
                long y = toLong(b);
                long r = x + y;
                if (((x ^ r) & (y ^ r)) < 0) return BigInteger.valueOf(x).add(BigInteger.valueOf(y));
                return r;
            }
            if (k == FLOAT) return toDouble(a) + toDouble(b);
            return toDecimal(a).add(toDecimal(b), DECIMAL_CONTEXT);
        }
        if (a instanceof String sa && b instanceof String sb) return sa.concat(sb);
        if (isString(a) && isString(b)) return a.toString().concat(b.toString());
        if (a instanceof List<?> la && b instanceof List<?> lb && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            List<Object> out = new ArrayList<>(la.size() + lb.size());
            out.addAll(la);
            out.addAll(lb);
            return a instanceof PyTuple ? PyTuple.of(out) : out;
        }
        if (a instanceof String && ka < 0 && kb >= 0 || kb < 0 && ka >= 0 && b instanceof String) {
            if (a instanceof String) {
                return throwing(PyException.type("can only concatenate str (not \"" + typeName(b) + "\") to str"));
            }
        }
        throw unsupported("+", a, b);
    }

    private static Object throwing(PyException e) {
        throw e;
    }

    public static Object sub(Object a, Object b) {
        int ka = numKind(a);
        int kb = numKind(b);
        if (ka < 0 || kb < 0) throw unsupported("-", a, b);
        int k = Math.max(ka, kb);
        if (k == INT) {
            if (a instanceof BigInteger || b instanceof BigInteger) return normalizeInt(toBigInteger(a).subtract(toBigInteger(b)));
            long x = toLong(a);
            long y = toLong(b);
            long r = x - y;
            if (((x ^ y) & (x ^ r)) < 0) return BigInteger.valueOf(x).subtract(BigInteger.valueOf(y));
            return r;
        }
        if (k == FLOAT) return toDouble(a) - toDouble(b);
        return toDecimal(a).subtract(toDecimal(b), DECIMAL_CONTEXT);
    }

    static Object mul(Object a, Object b, Frame f) {
        int ka = numKind(a);
        int kb = numKind(b);
        if (ka >= 0 && kb >= 0) {
            int k = Math.max(ka, kb);
            if (k == INT) {
                if (a instanceof BigInteger || b instanceof BigInteger) return normalizeInt(toBigInteger(a).multiply(toBigInteger(b)));
                long x = toLong(a);
                long y = toLong(b);
                long hi = Math.multiplyHigh(x, y);
                long lo = x * y;
                if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) return lo;
                return BigInteger.valueOf(x).multiply(BigInteger.valueOf(y));
            }
            if (k == FLOAT) return toDouble(a) * toDouble(b);
            return toDecimal(a).multiply(toDecimal(b), DECIMAL_CONTEXT);
        }
        if (isString(a) && kb == INT) return repeat(a.toString(), toLong(b), f);
        if (isString(b) && ka == INT) return repeat(b.toString(), toLong(a), f);
        if (a instanceof List<?> l && kb == INT) return repeat(l, toLong(b), f);
        if (b instanceof List<?> l && ka == INT) return repeat(l, toLong(a), f);
        throw unsupported("*", a, b);
    }

    private static String repeat(String s, long n, Frame f) {
        if (n <= 0 || s.isEmpty()) return "";
        f.checkLength(s.length() * n);
        return s.repeat((int) n);
    }

    private static Object repeat(List<?> l, long n, Frame f) {
        if (n <= 0 || l.isEmpty()) return l instanceof PyTuple ? new PyTuple() : new ArrayList<>();
        f.checkSize((int) Math.min(Integer.MAX_VALUE, l.size() * n));
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) out.addAll(l);
        return l instanceof PyTuple ? PyTuple.of(out) : out;
    }

    public static Object div(Object a, Object b) {
        int ka = numKind(a);
        int kb = numKind(b);
        if (ka < 0 || kb < 0) throw unsupported("/", a, b);
        if (Math.max(ka, kb) == DECIMAL) {
            BigDecimal y = toDecimal(b);
            if (y.signum() == 0) throw new PyException("DivisionByZero", "[<class 'decimal.DivisionByZero'>]");
            return toDecimal(a).divide(y, DECIMAL_CONTEXT);
        }
        double y = toDouble(b);
        if (y == 0) throw new PyException("ZeroDivisionError", ka == INT && kb == INT ? "division by zero" : "float division by zero");
        if (ka == INT && kb == INT && (a instanceof BigInteger || b instanceof BigInteger)) {
            return new BigDecimal(toBigInteger(a)).divide(new BigDecimal(toBigInteger(b)), MathContext.DECIMAL64).doubleValue();
        }
        return toDouble(a) / y;
    }

    public static Object floorDiv(Object a, Object b) {
        int ka = numKind(a);
        int kb = numKind(b);
        if (ka < 0 || kb < 0) throw unsupported("//", a, b);
        int k = Math.max(ka, kb);
        if (k == INT) {
            if (isZero(b)) throw new PyException("ZeroDivisionError", "integer division or modulo by zero");
            if (a instanceof BigInteger || b instanceof BigInteger) {
                BigInteger[] qr = toBigInteger(a).divideAndRemainder(toBigInteger(b));
                BigInteger q = qr[0];
                if (qr[1].signum() != 0 && qr[1].signum() != toBigInteger(b).signum()) q = q.subtract(BigInteger.ONE);
                return normalizeInt(q);
            }
            long x = toLong(a);
            long y = toLong(b);
            if (x == Long.MIN_VALUE && y == -1) return BigInteger.valueOf(x).negate();
            return Math.floorDiv(x, y);
        }
        if (k == FLOAT) {
            double y = toDouble(b);
            if (y == 0) throw new PyException("ZeroDivisionError", "float floor division by zero");
            return floatFloorDiv(toDouble(a), y);
        }
        BigDecimal y = toDecimal(b);
        if (y.signum() == 0) throw new PyException("DivisionByZero", "[<class 'decimal.DivisionByZero'>]");
        return toDecimal(a).divideToIntegralValue(y, DECIMAL_CONTEXT).setScale(0, RoundingMode.DOWN);
    }

    private static boolean isZero(Object n) {
        return n instanceof BigInteger bi ? bi.signum() == 0 : toLong(n) == 0;
    }

    /** CPython's float_floor_div. */
    static double floatFloorDiv(double vx, double wx) {
        double mod = vx % wx;
        double div = (vx - mod) / wx;
        if (mod != 0) {
            if ((wx < 0) != (mod < 0)) {
                div -= 1.0;
            }
        }
        if (div != 0) {
            double floordiv = Math.floor(div);
            if (div - floordiv > 0.5) floordiv += 1.0;
            return floordiv;
        }
        return Math.copySign(0.0, vx / wx);
    }

    static double pyFloatMod(double x, double y) {
        double r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        if (r == 0) r = Math.copySign(0.0, y);
        return r;
    }

    public static Object mod(Object a, Object b, Frame f) {
        if (isString(a)) return PyFormat.percent(a.toString(), b, f);
        int ka = numKind(a);
        int kb = numKind(b);
        if (ka < 0 || kb < 0) throw unsupported("%", a, b);
        int k = Math.max(ka, kb);
        if (k == INT) {
            if (isZero(b)) throw new PyException("ZeroDivisionError", "integer division or modulo by zero");
            if (a instanceof BigInteger || b instanceof BigInteger) {
                BigInteger y = toBigInteger(b);
                BigInteger r = toBigInteger(a).mod(y.abs());
                if (y.signum() < 0 && r.signum() != 0) r = r.add(y);
                return normalizeInt(r);
            }
            return Math.floorMod(toLong(a), toLong(b));
        }
        if (k == FLOAT) {
            double y = toDouble(b);
            if (y == 0) throw new PyException("ZeroDivisionError", "float modulo");
            return pyFloatMod(toDouble(a), y);
        }
        BigDecimal y = toDecimal(b);
        if (y.signum() == 0) throw new PyException("InvalidOperation", "[<class 'decimal.DivisionUndefined'>]");
        return toDecimal(a).remainder(y, DECIMAL_CONTEXT);
    }

    static Object pow(Object a, Object b, Frame f) {
        int ka = numKind(a);
        int kb = numKind(b);
        if (ka < 0 || kb < 0) throw unsupported("** or pow()", a, b);
        int k = Math.max(ka, kb);
        if (k == INT) {
            BigInteger base = toBigInteger(a);
            long e = toLong(b);
            if (e < 0) {
                if (base.signum() == 0) throw new PyException("ZeroDivisionError", "0.0 cannot be raised to a negative power");
                return Math.pow(base.doubleValue(), e);
            }
            long bits = (long) Math.max(1, base.abs().bitLength()) * e;
            f.checkLength(bits / 3);
            return normalizeInt(base.pow((int) e));
        }
        if (k == FLOAT) {
            double x = toDouble(a);
            double y = toDouble(b);
            if (x == 0 && y < 0) throw new PyException("ZeroDivisionError", "0.0 cannot be raised to a negative power");
            return Math.pow(x, y);
        }
        BigDecimal x = toDecimal(a);
        if (kb == INT && Math.abs(toLong(b)) < 10_000) {
            long e = toLong(b);
            return e >= 0 ? x.pow((int) e, DECIMAL_CONTEXT) : BigDecimal.ONE.divide(x.pow((int) -e, DECIMAL_CONTEXT), DECIMAL_CONTEXT);
        }
        return new BigDecimal(Math.pow(x.doubleValue(), toDouble(b)), DECIMAL_CONTEXT);
    }

    public static Object neg(Object a) {
        switch (numKind(a)) {
            case INT:
                if (a instanceof BigInteger bi) return normalizeInt(bi.negate());
                long x = toLong(a);
                return x == Long.MIN_VALUE ? BigInteger.valueOf(x).negate() : (Object) (-x);
            case FLOAT: return -toDouble(a);
            case DECIMAL: return ((BigDecimal) a).negate();
            default:
                if (a instanceof Undefined u) throw u.error();
                throw PyException.type("bad operand type for unary -: '" + typeName(a) + "'");
        }
    }

    // ---------------------------------------------------------------- comparison

    /** Python's {@code ==}: numbers compare by value across int, float and Decimal. */
    public static boolean eq(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        int ka = numKind(a);
        int kb = numKind(b);
        if (ka >= 0 || kb >= 0) {
            if (ka < 0 || kb < 0) return false;
            return compareNumbers(a, b, ka, kb) == 0;
        }
        if (a instanceof String sa && b instanceof String sb) return sa.equals(sb);
        if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if ((a instanceof PyTuple) != (b instanceof PyTuple) || la.size() != lb.size()) return false;
            for (int i = 0; i < la.size(); i++) {
                if (!eq(la.get(i), lb.get(i))) return false;
            }
            return true;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) return false;
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !eq(e.getValue(), mb.get(e.getKey()))) return false;
            }
            return true;
        }
        if (a instanceof CharSequence && b instanceof CharSequence) return a.toString().equals(b.toString());
        return a.equals(b);
    }

    /** Compares two numbers exactly; NaN compares as unordered (returns 2). */
    static int compareNumbers(Object a, Object b, int ka, int kb) {
        if (ka == INT && kb == INT) {
            if (a instanceof BigInteger || b instanceof BigInteger) return toBigInteger(a).compareTo(toBigInteger(b));
            return Long.compare(toLong(a), toLong(b));
        }
        if (ka == FLOAT && kb == FLOAT) {
            double x = toDouble(a);
            double y = toDouble(b);
            if (Double.isNaN(x) || Double.isNaN(y)) return 2;
            return Double.compare(x, y) == 0 || x == y ? 0 : (x < y ? -1 : 1);
        }
        BigDecimal x = exact(a, ka);
        BigDecimal y = exact(b, kb);
        if (x == null || y == null) {
            double dx = toDouble(a);
            double dy = toDouble(b);
            if (Double.isNaN(dx) || Double.isNaN(dy)) return 2;
            return Double.compare(dx, dy);
        }
        return x.compareTo(y);
    }

    private static BigDecimal exact(Object o, int kind) {
        if (kind == FLOAT) {
            double d = toDouble(o);
            return Double.isFinite(d) ? new BigDecimal(d) : null;
        }
        return toDecimal(o);
    }

    /** Python's ordering for {@code <, <=, >, >=}: returns negative, zero or positive; NaN gives 2 (all comparisons false). */
    public static int compare(Object a, Object b, String op) {
        int ka = numKind(a);
        int kb = numKind(b);
        if (ka >= 0 && kb >= 0) return compareNumbers(a, b, ka, kb);
        if (isString(a) && isString(b)) {
            int c = a.toString().compareTo(b.toString());
            return Integer.signum(c);
        }
        if (a instanceof List<?> la && b instanceof List<?> lb && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            int n = Math.min(la.size(), lb.size());
            for (int i = 0; i < n; i++) {
                if (!eq(la.get(i), lb.get(i))) return compare(la.get(i), lb.get(i), op);
            }
            return Integer.compare(la.size(), lb.size());
        }
        if (a instanceof Undefined u) throw u.error();
        if (b instanceof Undefined u) throw u.error();
        throw PyException.type("'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    static boolean lt(Object a, Object b) { int c = compare(a, b, "<"); return c != 2 && c < 0; }
    static boolean le(Object a, Object b) { int c = compare(a, b, "<="); return c != 2 && c <= 0; }
    static boolean gt(Object a, Object b) { int c = compare(a, b, ">"); return c != 2 && c > 0; }
    static boolean ge(Object a, Object b) { int c = compare(a, b, ">="); return c != 2 && c >= 0; }

    /** Python's {@code item in container}. */
    public static boolean contains(Object container, Object item) {
        if (container instanceof String s) {
            if (!isString(item)) {
                if (item instanceof Undefined u) throw u.error();
                throw PyException.type("'in <string>' requires string as left operand, not " + typeName(item));
            }
            return s.contains(item.toString());
        }
        if (container instanceof Map<?, ?> m) {
            if (m.containsKey(item)) return true;
            for (Object k : m.keySet()) {
                if (eq(k, item)) return true;
            }
            return false;
        }
        if (container instanceof Collection<?> c) {
            for (Object o : c) {
                if (eq(o, item)) return true;
            }
            return false;
        }
        if (container instanceof Undefined) return false;
        if (container instanceof CharSequence cs) return contains(cs.toString(), item);
        throw PyException.type("argument of type '" + typeName(container) + "' is not iterable");
    }

    // ---------------------------------------------------------------- access

    /** Jinja2's {@code obj.name}: the key of a mapping, else Undefined. */
    static Object getattr(Object obj, String name) {
        if (obj instanceof Map<?, ?> m) {
            Object v = m.get(name);
            if (v != null || m.containsKey(name)) return v;
            return Undefined.of("'dict object' has no attribute '" + name + "'");
        }
        if (obj instanceof Undefined u) throw u.error();
        if (obj == null) return Undefined.of("'None' has no attribute '" + name + "'");
        return Undefined.of("'" + typeName(obj) + " object' has no attribute '" + name + "'");
    }

    /** Jinja2's {@code obj[key]}: index or key lookup, Undefined when absent. */
    static Object getitem(Object obj, Object key) {
        if (obj instanceof Map<?, ?> m) {
            Object v = m.get(key);
            if (v != null || m.containsKey(key)) return v;
            if (numKind(key) == INT && !(key instanceof Boolean)) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (numKind(e.getKey()) >= 0 && eq(e.getKey(), key)) return e.getValue();
                }
            }
            return Undefined.of("'dict object' has no attribute " + repr(key));
        }
        if (obj instanceof Undefined u) throw u.error();
        if (numKind(key) == INT && (obj instanceof List || isString(obj))) {
            int size = obj instanceof List<?> l ? l.size() : obj.toString().length();
            long i = toLong(key);
            if (i < 0) i += size;
            if (i < 0 || i >= size) {
                return Undefined.of("'" + typeName(obj) + " object' has no element " + toLong(key));
            }
            return obj instanceof List<?> l ? l.get((int) i) : String.valueOf(obj.toString().charAt((int) i));
        }
        if (isString(key)) return getattr(obj, key.toString());
        return Undefined.of("'" + typeName(obj) + " object' has no element " + repr(key));
    }

    /** Python slicing {@code obj[start:stop:step]} of a string or list; nulls are omitted bounds. */
    static Object slice(Object obj, Object start, Object stop, Object step) {
        if (obj instanceof Undefined u) throw u.error();
        boolean str = isString(obj);
        if (!str && !(obj instanceof List)) {
            throw PyException.type("'" + typeName(obj) + "' object is not subscriptable");
        }
        int size = str ? obj.toString().length() : ((List<?>) obj).size();
        long st = step == null ? 1 : sliceIndex(step);
        if (st == 0) throw PyException.value("slice step cannot be zero");
        long lo;
        long hi;
        if (st > 0) {
            lo = start == null ? 0 : clamp(sliceIndex(start), size, 0, size);
            hi = stop == null ? size : clamp(sliceIndex(stop), size, 0, size);
        } else {
            lo = start == null ? size - 1 : clamp(sliceIndex(start), size, -1, size - 1);
            hi = stop == null ? -1 : clamp(sliceIndex(stop), size, -1, size - 1);
        }
        if (str) {
            String s = obj.toString();
            if (st == 1) return lo >= hi ? "" : s.substring((int) lo, (int) hi);
            StringBuilder sb = new StringBuilder();
            for (long i = lo; st > 0 ? i < hi : i > hi; i += st) sb.append(s.charAt((int) i));
            return sb.toString();
        }
        List<?> l = (List<?>) obj;
        List<Object> out = new ArrayList<>();
        for (long i = lo; st > 0 ? i < hi : i > hi; i += st) out.add(l.get((int) i));
        return obj instanceof PyTuple ? PyTuple.of(out) : out;
    }

    private static long sliceIndex(Object o) {
        if (numKind(o) != INT) {
            if (o instanceof Undefined u) throw u.error();
            throw PyException.type("slice indices must be integers or None or have an __index__ method");
        }
        return toLong(o);
    }

    private static long clamp(long i, int size, long min, long max) {
        if (i < 0) i += size;
        return Math.max(min, Math.min(max, i));
    }

    /** The elements Python's {@code for} would visit: list items, dict keys, string characters. */
    static List<?> iterate(Object o) {
        if (o instanceof List<?> l) return l;
        if (o instanceof Collection<?> c) return new ArrayList<>(c);
        if (o instanceof Map<?, ?> m) return new ArrayList<>(m.keySet());
        if (o instanceof String s) {
            List<Object> out = new ArrayList<>(s.length());
            for (int i = 0; i < s.length(); i++) out.add(String.valueOf(s.charAt(i)));
            return out;
        }
        if (o instanceof Undefined) return List.of();
        if (o instanceof Iterable<?> it) {
            List<Object> out = new ArrayList<>();
            Iterator<?> i = it.iterator();
            while (i.hasNext()) out.add(i.next());
            return out;
        }
        throw PyException.type("'" + typeName(o) + "' object is not iterable");
    }

    static long len(Object o) {
        if (o instanceof CharSequence cs) return cs.length();
        if (o instanceof Collection<?> c) return c.size();
        if (o instanceof Map<?, ?> m) return m.size();
        if (o instanceof Undefined) return 0;
        throw PyException.type("object of type '" + typeName(o) + "' has no len()");
    }
}
