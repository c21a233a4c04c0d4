package io.etlcdc.core.testing;

import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Operation;
import io.etlcdc.core.event.Position;
import org.assertj.core.api.AbstractAssert;

import java.util.Map;
import java.util.Objects;

/** AssertJ assertions for {@link ChangeEvent}: {@code assertThat(event).hasOperation(INSERT).hasAfterField("id", 1)}. */
public final class ChangeEventAssert extends AbstractAssert<ChangeEventAssert, ChangeEvent> {

    private ChangeEventAssert(ChangeEvent actual) {
        super(actual, ChangeEventAssert.class);
    }

    public static ChangeEventAssert assertThat(ChangeEvent actual) {
        return new ChangeEventAssert(actual);
    }

    public ChangeEventAssert hasOperation(Operation op) {
        isNotNull();
        if (actual.operation() != op) {
            failWithMessage("expected operation %s but was %s in %s", op, actual.operation(), actual);
        }
        return this;
    }

    public ChangeEventAssert hasCollection(String collection) {
        isNotNull();
        if (!actual.collection().equals(collection)) {
            failWithMessage("expected collection <%s> but was <%s>", collection, actual.collection());
        }
        return this;
    }

    public ChangeEventAssert hasKey(Map<String, Object> key) {
        isNotNull();
        if (!Objects.equals(actual.key(), key)) {
            failWithMessage("expected key %s but was %s", key, actual.key());
        }
        return this;
    }

    public ChangeEventAssert hasAfterField(String field, Object value) {
        return hasField("after", actual == null ? null : actual.after(), field, value);
    }

    public ChangeEventAssert hasBeforeField(String field, Object value) {
        return hasField("before", actual == null ? null : actual.before(), field, value);
    }

    public ChangeEventAssert hasNoBefore() {
        isNotNull();
        if (actual.before() != null) {
            failWithMessage("expected no before row but was %s", actual.before());
        }
        return this;
    }

    public ChangeEventAssert isSnapshot(boolean expected) {
        isNotNull();
        if (actual.snapshot() != expected) {
            failWithMessage("expected snapshot=%s but was %s", expected, actual.snapshot());
        }
        return this;
    }

    public ChangeEventAssert hasPositionAfter(Position other) {
        isNotNull();
        if (!actual.position().isAfter(other)) {
            failWithMessage("expected position after %s but was %s", other, actual.position());
        }
        return this;
    }

    public ChangeEventAssert hasUnchangedField(String field) {
        isNotNull();
        if (!actual.unchangedFields().contains(field)) {
            failWithMessage("expected %s to be marked unchanged, unchanged fields are %s", field, actual.unchangedFields());
        }
        if (actual.after() != null && actual.after().containsKey(field)) {
            failWithMessage("unchanged field %s must not be in after, but after has %s", field, actual.after().get(field));
        }
        return this;
    }

    private ChangeEventAssert hasField(String side, Map<String, Object> row, String field, Object value) {
        isNotNull();
        if (row == null) {
            failWithMessage("expected %s.%s = %s but the event has no %s row", side, field, value, side);
        } else if (!row.containsKey(field)) {
            failWithMessage("expected %s.%s = %s but %s has no such field: %s", side, field, value, side, row);
        } else if (!Objects.equals(row.get(field), value)) {
            Object v = row.get(field);
            failWithMessage("expected %s.%s = %s (%s) but was %s (%s)", side, field, value,
                    value == null ? "null" : value.getClass().getSimpleName(), v, v == null ? "null" : v.getClass().getSimpleName());
        }
        return this;
    }
}
