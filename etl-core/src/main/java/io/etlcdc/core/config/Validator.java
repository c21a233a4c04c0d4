package io.etlcdc.core.config;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks one option value. Returns null when the value is fine, otherwise a message saying what was
 * expected (the caller adds the key and the value). Combine with {@link #and(Validator)}.
 */
@FunctionalInterface
public interface Validator<T> {

    /** @return null when {@code value} is valid, otherwise what was expected */
    String check(T value);

    default Validator<T> and(Validator<? super T> other) {
        Objects.requireNonNull(other, "other");
        return value -> {
            String first = check(value);
            return first != null ? first : other.check(value);
        };
    }

    static <T> Validator<T> any() {
        return value -> null;
    }

    /** Numbers within {@code [min, max]}. */
    static <N extends Number> Validator<N> range(double min, double max) {
        return value -> value == null || (value.doubleValue() >= min && value.doubleValue() <= max)
                ? null
                : "expected a number between " + trim(min) + " and " + trim(max);
    }

    /** Numbers {@code > 0}. */
    static <N extends Number> Validator<N> positive() {
        return value -> value == null || value.doubleValue() > 0 ? null : "expected a number greater than 0";
    }

    /** One of the given strings, ignoring case. */
    static Validator<String> oneOf(String... allowed) {
        List<String> list = Arrays.asList(allowed);
        return value -> value == null || list.stream().anyMatch(a -> a.equalsIgnoreCase(value))
                ? null
                : "expected one of " + String.join(", ", list);
    }

    /** A string that is not blank. */
    static Validator<String> notBlank() {
        return value -> value != null && !value.isBlank() ? null : "expected a non-empty value";
    }

    /** A string matching the regular expression. */
    static Validator<String> matches(String regex, String description) {
        Pattern p = Pattern.compile(regex);
        return value -> value == null || p.matcher(value).matches() ? null : "expected " + description;
    }

    /** A collection that is not empty. */
    static <C extends Collection<?>> Validator<C> notEmpty() {
        return value -> value != null && !value.isEmpty() ? null : "expected at least one entry";
    }

    private static String trim(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
