package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.error.ConfigException;
import io.etlcdc.core.error.ConfigException.ConfigError;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ExpressionEngine;
import io.etlcdc.quality.Action;
import io.etlcdc.quality.CheckType;
import io.etlcdc.quality.QualityRule;
import io.etlcdc.quality.Severity;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a {@link QualityRule} and compiles its check, reporting every problem at once, each
 * naming the bad part ({@code check}, {@code parameters.regex}, {@code severity}, ...). Thread-safe.
 */
@Internal
public final class RuleCompiler {
    /** Largest {@code unique} window, so that one rule cannot take the heap. */
    public static final int MAX_UNIQUE_WINDOW = 10_000_000;

    private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

    static final ConfigOption<String> TYPE = ConfigOptions.key("type").stringType().noDefaultValue()
            .withValidator(Validator.oneOf(ValueType.apiNames()))
            .withDescription("the required type: " + String.join(", ", ValueType.apiNames()));
    static final ConfigOption<Boolean> COERCE = ConfigOptions.key("coerce").booleanType().defaultValue(false)
            .withDescription("accept numbers and booleans written as text");
    static final ConfigOption<String> MIN = ConfigOptions.key("min").stringType().noDefaultValue()
            .withDescription("lower bound: a number, an ISO date or an ISO timestamp");
    static final ConfigOption<String> MAX = ConfigOptions.key("max").stringType().noDefaultValue()
            .withDescription("upper bound: a number, an ISO date or an ISO timestamp");
    static final ConfigOption<Boolean> EXCLUSIVE = ConfigOptions.key("exclusive").booleanType().defaultValue(false)
            .withDescription("exclude the bounds themselves");
    static final ConfigOption<String> REGEX = ConfigOptions.key("regex").stringType().noDefaultValue()
            .withValidator(Validator.notBlank()).withDescription("a Java regular expression");
    static final ConfigOption<Boolean> IGNORE_CASE = ConfigOptions.key("ignore_case").booleanType().defaultValue(false)
            .withDescription("compare texts without case");
    static final ConfigOption<List<String>> VALUES = ConfigOptions.key("values").stringListType().noDefaultValue()
            .withValidator(Validator.notEmpty()).withDescription("the allowed values");
    static final ConfigOption<Integer> WINDOW = ConfigOptions.key("window").intType().defaultValue(10_000)
            .withValidator(Validator.range(1, MAX_UNIQUE_WINDOW))
            .withDescription("how many distinct values to remember");
    static final ConfigOption<Double> MAX_AGE_SECONDS = ConfigOptions.key("max_age_seconds").doubleType().noDefaultValue()
            .withValidator(Validator.positive()).withDescription("the oldest event time allowed, in seconds");
    static final ConfigOption<String> EXPRESSION = ConfigOptions.key("expression").stringType().noDefaultValue()
            .withValidator(Validator.notBlank()).withDescription("a Jinja2 boolean expression, e.g. {{ amount > 0 }}");

    private final ExpressionEngines engines;

    public RuleCompiler(ExpressionEngines engines) {
        this.engines = engines;
    }

    /**
     * Compiles a rule.
     *
     * @param keyPrefix put before every key in errors, e.g. {@code rules[2].}; empty for a single rule
     * @param errors    receives every problem
     * @return the compiled rule, or null when there were problems
     */
    public CompiledRule compile(QualityRule rule, String keyPrefix, List<ConfigError> errors) {
        int before = errors.size();
        if (rule.ruleId() == null || rule.ruleId().isBlank()) {
            errors.add(new ConfigError(keyPrefix + "rule_id", null, "is required"));
        } else if (!RULE_ID.matcher(rule.ruleId()).matches()) {
            errors.add(new ConfigError(keyPrefix + "rule_id", rule.ruleId(),
                    "expected 1 to 128 letters, digits, '_', '-' or '.'"));
        }
        Optional<Severity> severity = Severity.parse(rule.severity());
        if (severity.isEmpty()) {
            errors.add(new ConfigError(keyPrefix + "severity", rule.severity(), "expected one of warning, error"));
        }
        Optional<Action> action = Action.parse(rule.action());
        if (action.isEmpty()) {
            errors.add(new ConfigError(keyPrefix + "action", rule.action(), "expected one of warn, drop, dead_letter, fail"));
        }
        Check check = null;
        if (rule.check() == null || rule.check().isBlank()) {
            errors.add(new ConfigError(keyPrefix + "check", null, "is required; one of " + CheckType.names()));
        } else {
            Optional<CheckType> type = CheckType.parse(rule.check());
            if (type.isEmpty()) {
                errors.add(new ConfigError(keyPrefix + "check", rule.check(), "unknown check; expected one of " + CheckType.names()));
            } else {
                if (rule.field() == null && type.get() != CheckType.FRESHNESS && type.get() != CheckType.EXPRESSION) {
                    errors.add(new ConfigError(keyPrefix + "field", null, "is required for check '" + type.get().apiName() + "'"));
                }
                check = compileCheck(type.get(), rule.parameters(), keyPrefix + "parameters.", errors);
            }
        }
        if (errors.size() > before || check == null) {
            return null;
        }
        return new CompiledRule(rule, severity.get(), action.get(), check);
    }

    /** Every problem with the rule; empty when it is valid. */
    public List<ConfigError> validate(QualityRule rule) {
        List<ConfigError> errors = new ArrayList<>();
        compile(rule, "", errors);
        return errors;
    }

    private Check compileCheck(CheckType type, Map<String, Object> parameters, String prefix, List<ConfigError> errors) {
        Configuration params = Configuration.of(parameters);
        Set<ConfigOption<?>> required = switch (type) {
            case NOT_NULL, RANGE, UNIQUE -> Set.of();
            case TYPE -> Set.of(TYPE);
            case PATTERN -> Set.of(REGEX);
            case ALLOWED_VALUES -> Set.of(VALUES);
            case FRESHNESS -> Set.of(MAX_AGE_SECONDS);
            case EXPRESSION -> Set.of(EXPRESSION);
        };
        Set<ConfigOption<?>> optional = switch (type) {
            case NOT_NULL, FRESHNESS, EXPRESSION -> Set.of();
            case TYPE -> Set.of(COERCE);
            case RANGE -> Set.of(MIN, MAX, EXCLUSIVE);
            case PATTERN, ALLOWED_VALUES -> Set.of(IGNORE_CASE);
            case UNIQUE -> Set.of(WINDOW);
        };
        List<ConfigError> problems = params.validate(required, optional, Set.of());
        if (!problems.isEmpty()) {
            for (ConfigError e : problems) {
                errors.add(new ConfigError(prefix + e.key(), e.value(), e.message()));
            }
            return null;
        }
        try {
            return switch (type) {
                case NOT_NULL -> new NotNullCheck();
                case TYPE -> new TypeCheck(ValueType.parse(params.get(TYPE)).orElseThrow(), params.get(COERCE));
                case RANGE -> range(parameters, params.get(EXCLUSIVE), prefix, errors);
                case PATTERN -> pattern(params.get(REGEX), params.get(IGNORE_CASE), prefix, errors);
                case ALLOWED_VALUES -> allowedValues(parameters.get(VALUES.key()), params.get(VALUES), params.get(IGNORE_CASE));
                case UNIQUE -> new UniqueCheck(params.get(WINDOW));
                case FRESHNESS -> new FreshnessCheck(params.get(MAX_AGE_SECONDS));
                case EXPRESSION -> expression(params.get(EXPRESSION), prefix, errors);
            };
        } catch (ConfigException e) {
            e.errors().forEach(err -> errors.add(new ConfigError(prefix + err.key(), err.value(), err.message())));
            return null;
        }
    }

    private static Check allowedValues(Object raw, List<String> asText, boolean ignoreCase) {
        // keep the values' own types (YAML numbers stay numbers) when given as a list
        return new AllowedValuesCheck(raw instanceof Collection<?> c ? new ArrayList<>(c) : asText, ignoreCase);
    }

    private static Check pattern(String regex, boolean ignoreCase, String prefix, List<ConfigError> errors) {
        try {
            return new PatternCheck(Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0));
        } catch (PatternSyntaxException e) {
            errors.add(new ConfigError(prefix + "regex", regex, "invalid regular expression: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "")));
            return null;
        }
    }

    private Check expression(String source, String prefix, List<ConfigError> errors) {
        Optional<ExpressionEngine> engine = engines.get();
        if (engine.isEmpty()) {
            errors.add(new ConfigError(prefix + "expression", source,
                    "check 'expression' needs an expression engine: " + engines.unavailableReason()));
            return null;
        }
        try {
            return new ExpressionCheck(source, engine.get().compile(source));
        } catch (EtlException | IllegalArgumentException e) {
            errors.add(new ConfigError(prefix + "expression", source, "invalid expression: " + e.getMessage()));
            return null;
        }
    }

    /** One bound of a range, classified by what it looks like. */
    private record Bound(RangeCheck.Kind kind, BigDecimal number, LocalDate date, Instant instant) {}

    private static Check range(Map<String, Object> raw, boolean exclusive, String prefix, List<ConfigError> errors) {
        Object rawMin = raw.get(MIN.key());
        Object rawMax = raw.get(MAX.key());
        if (rawMin == null && rawMax == null) {
            errors.add(new ConfigError(prefix + "min", null, "check 'range' needs 'min', 'max' or both"));
            return null;
        }
        Bound min = rawMin == null ? null : bound(rawMin, prefix + "min", errors);
        Bound max = rawMax == null ? null : bound(rawMax, prefix + "max", errors);
        if ((rawMin != null && min == null) || (rawMax != null && max == null)) {
            return null;
        }
        if (min != null && max != null) {
            if (min.kind() != max.kind()) {
                errors.add(new ConfigError(prefix + "max", rawMax, "must be of the same kind as 'min' ("
                        + min.kind().name().toLowerCase(java.util.Locale.ROOT) + ")"));
                return null;
            }
            int c = switch (min.kind()) {
                case NUMBER -> min.number().compareTo(max.number());
                case DATE -> min.date().compareTo(max.date());
                case TIMESTAMP -> min.instant().compareTo(max.instant());
            };
            if (c > 0 || (exclusive && c == 0)) {
                errors.add(new ConfigError(prefix + "max", rawMax, "must be " + (exclusive ? "greater than" : "at least") + " 'min' (" + rawMin + ")"));
                return null;
            }
        }
        RangeCheck.Kind kind = min != null ? min.kind() : max.kind();
        return switch (kind) {
            case NUMBER -> RangeCheck.numeric(min == null ? null : min.number(), max == null ? null : max.number(), exclusive);
            case DATE -> RangeCheck.dates(min == null ? null : min.date(), max == null ? null : max.date(), exclusive);
            case TIMESTAMP -> RangeCheck.timestamps(min == null ? null : min.instant(), max == null ? null : max.instant(), exclusive);
        };
    }

    private static Bound bound(Object raw, String key, List<ConfigError> errors) {
        if (raw instanceof BigDecimal d) {
            return new Bound(RangeCheck.Kind.NUMBER, d, null, null);
        }
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return new Bound(RangeCheck.Kind.NUMBER, BigDecimal.valueOf(((Number) raw).longValue()), null, null);
        }
        if (raw instanceof BigInteger b) {
            return new Bound(RangeCheck.Kind.NUMBER, new BigDecimal(b), null, null);
        }
        if (raw instanceof Double || raw instanceof Float) {
            double d = ((Number) raw).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                errors.add(new ConfigError(key, raw, "expected a finite number"));
                return null;
            }
            return new Bound(RangeCheck.Kind.NUMBER, new BigDecimal(raw.toString()), null, null);
        }
        if (raw instanceof LocalDate d) {
            return new Bound(RangeCheck.Kind.DATE, null, d, null);
        }
        if (Values.isTimestampValue(raw)) {
            return new Bound(RangeCheck.Kind.TIMESTAMP, null, null, Values.toInstant(raw));
        }
        if (raw instanceof String s) {
            BigDecimal number = Values.parseDecimal(s);
            if (number != null) {
                return new Bound(RangeCheck.Kind.NUMBER, number, null, null);
            }
            LocalDate date = Values.parseDate(s.trim());
            if (date != null) {
                return new Bound(RangeCheck.Kind.DATE, null, date, null);
            }
            Instant instant = Values.parseTimestamp(s.trim());
            if (instant != null) {
                return new Bound(RangeCheck.Kind.TIMESTAMP, null, null, instant);
            }
        }
        errors.add(new ConfigError(key, raw, "expected a number, an ISO date (2024-01-31) or an ISO timestamp (2024-01-31T10:00:00Z)"));
        return null;
    }
}
