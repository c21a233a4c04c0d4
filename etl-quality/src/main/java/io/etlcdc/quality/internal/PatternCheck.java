package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fails when a text does not contain a match of the regular expression (anchor it with {@code ^} and
 * {@code $} to match the whole value). Non-text values fail. The pattern is compiled once; each
 * thread reuses one matcher, so matching allocates nothing per value.
 */
@Internal
public final class PatternCheck extends Check {
    private final Pattern pattern;
    private final ThreadLocal<Matcher> matchers;

    public PatternCheck(Pattern pattern) {
        super(CheckType.PATTERN);
        this.pattern = pattern;
        this.matchers = ThreadLocal.withInitial(() -> pattern.matcher(""));
    }

    public Pattern pattern() {
        return pattern;
    }

    @Override
    public String test(Object value, Evaluation ctx) {
        if (!(value instanceof CharSequence text)) {
            return "expected text to match against the pattern, got " + Values.typeName(value);
        }
        Matcher m = matchers.get().reset(text);
        boolean found = m.find();
        m.reset("");  // do not keep the record's text reachable from the thread
        return found ? null : "does not match the pattern " + pattern.pattern();
    }
}
