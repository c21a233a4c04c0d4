package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.quality.Action;
import io.etlcdc.quality.CheckType;
import io.etlcdc.quality.QualityRule;
import io.etlcdc.quality.Severity;

import java.util.List;
import java.util.Set;

/** A validated rule with its check compiled; immutable apart from the check's live state. Thread-safe. */
@Internal
public final class CompiledRule {
    /** {@link #evaluate}'s answer when the rule does not apply to this record. */
    public static final String SKIPPED = new String("<skipped>");

    private final QualityRule rule;
    private final Severity severity;
    private final Action action;
    private final FieldPath field;
    private final Check check;
    private final RuleDescriptor descriptor;

    public CompiledRule(QualityRule rule, Severity severity, Action action, Check check) {
        this.rule = rule;
        this.severity = severity;
        this.action = action;
        this.field = rule.field() == null ? null : new FieldPath(rule.field());
        this.check = check;
        this.descriptor = new RuleDescriptor(rule.ruleId(), "quality", rule.targetsAll() ? Set.of() : Set.of(rule.target()),
                rule.field() == null ? List.of() : List.of(rule.field()), null);
    }

    public QualityRule rule() {
        return rule;
    }

    public String ruleId() {
        return rule.ruleId();
    }

    public Severity severity() {
        return severity;
    }

    public Action action() {
        return action;
    }

    public CheckType checkType() {
        return check.type();
    }

    public Check check() {
        return check;
    }

    /** For lineage: kind {@code quality}, the target as scope, the field as the column read. */
    public RuleDescriptor descriptor() {
        return descriptor;
    }

    /** True when the rule checks records of {@code collection} from {@code sourceId}. */
    public boolean appliesTo(String sourceId, String collection) {
        return descriptor.appliesTo(sourceId, collection);
    }

    /** True when the rule checks records of the named asset or source (a dry run's target). */
    public boolean appliesTo(String target) {
        return rule.targetsAll() || rule.target().equals(target) || target.startsWith(rule.target() + "_");
    }

    /**
     * Checks the bound record.
     *
     * @return null when it passes, {@link #SKIPPED} when the rule cannot apply (the field is missing from
     *         a partial row: a delete's key-only image or a column an update left unchanged), otherwise
     *         the reason it fails
     */
    public String evaluate(Evaluation ctx) {
        if (ctx.operation() == Operation.DELETE && check instanceof UniqueCheck unique) {
            unique.rowDeleted(ctx);
            return SKIPPED;
        }
        Object value;
        if (field != null) {
            value = field.read(ctx.row());
            if (value == FieldPath.ABSENT) {
                if (ctx.operation() == Operation.DELETE || ctx.unchangedFields().contains(field.head())) {
                    return SKIPPED;
                }
                value = null;
            }
        } else if (check.type() == CheckType.FRESHNESS) {
            value = ctx.sourceTimestamp();
            if (value == null) {
                return SKIPPED;
            }
        } else {
            value = null;
        }
        if (value == null && !check.checksNull()) {
            return null;
        }
        return check.test(value, ctx);
    }

    /** The value the rule looked at, for reports (null when absent). */
    public Object valueOf(Evaluation ctx) {
        if (field != null) {
            Object v = field.read(ctx.row());
            return v == FieldPath.ABSENT ? null : v;
        }
        return check.type() == CheckType.FRESHNESS ? ctx.sourceTimestamp() : null;
    }
}
