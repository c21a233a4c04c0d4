package io.etlcdc.transform.expr;

import java.util.AbstractList;
import java.util.List;

/** An immutable Python tuple: a {@link List} that renders as {@code (a, b)}. */
public final class PyTuple extends AbstractList<Object> {
    private final Object[] items;

    public PyTuple(Object... items) {
        this.items = items.clone();
    }

    static PyTuple of(List<?> items) {
        return new PyTuple(items.toArray());
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}
