package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;

import java.util.HashMap;
import java.util.Map;

/**
 * The last {@code capacity} distinct values seen, each with the row key that holds it: memory stays
 * bounded, the oldest value is forgotten first. A row that takes a new value gives up its old one, so
 * updates free values without needing the row's before image. Not thread-safe (one thread owns it).
 */
@Internal
public final class UniqueWindow {
    /** Which row holds a value; {@code seq} tells a live entry from one that was released and re-added. */
    private record Holder(Object rowKey, long seq) {}

    /** Stands for "a row without a primary key" in {@link #offer}'s answer. */
    public static final Object NO_KEY = new Object() {
        @Override
        public String toString() {
            return "(a row without a key)";
        }
    };

    private final int capacity;
    private final Map<Object, Holder> holders;
    private final Map<Object, Object> valueByRow;
    private Object[] ring;
    private long[] ringSeq;
    private long seq;

    public UniqueWindow(int capacity) {
        this.capacity = capacity;
        int initial = Math.min(capacity, 1 << 12) * 4 / 3 + 1;
        this.holders = new HashMap<>(initial);
        this.valueByRow = new HashMap<>(initial);
        this.ring = new Object[Math.min(capacity, 1 << 12)];
        this.ringSeq = new long[ring.length];
    }

    /**
     * Records that the row with {@code rowKey} (null: a row without a key) holds {@code value}.
     *
     * @return the key of another row already holding the value ({@link #NO_KEY} when that row had no
     *         key), or null when the value is new in the window or held by this same row
     */
    public Object offer(Object value, Object rowKey) {
        Holder h = holders.get(value);
        if (h != null) {
            if (rowKey != null && rowKey.equals(h.rowKey)) {
                return null;
            }
            return h.rowKey == null ? NO_KEY : h.rowKey;
        }
        if (rowKey != null) {
            Object previous = valueByRow.put(rowKey, value);
            if (previous != null) {
                Holder old = holders.get(previous);
                if (old != null && rowKey.equals(old.rowKey)) {
                    holders.remove(previous);
                }
            }
        }
        remember(value, rowKey);
        return null;
    }

    private void remember(Object value, Object rowKey) {
        growIfNeeded();
        int slot = (int) (seq % ring.length);
        if (seq >= ring.length) {
            forgetSlot(slot);
        }
        ring[slot] = value;
        ringSeq[slot] = seq;
        holders.put(value, new Holder(rowKey, seq));
        seq++;
    }

    /** The ring starts small and doubles up to the capacity, so a large window costs memory only when used. */
    private void growIfNeeded() {
        if (seq < ring.length || ring.length == capacity) {
            return;
        }
        int newLength = (int) Math.min(capacity, (long) ring.length * 2);
        Object[] bigger = new Object[newLength];
        long[] biggerSeq = new long[newLength];
        // until now the ring was filled exactly once, in order, so slot i holds sequence i
        System.arraycopy(ring, 0, bigger, 0, ring.length);
        System.arraycopy(ringSeq, 0, biggerSeq, 0, ring.length);
        this.ring = bigger;
        this.ringSeq = biggerSeq;
    }

    private void forgetSlot(int slot) {
        Object evicted = ring[slot];
        Holder current = holders.get(evicted);
        if (current != null && current.seq == ringSeq[slot]) {
            holders.remove(evicted);
            if (current.rowKey != null) {
                valueByRow.remove(current.rowKey, evicted);
            }
        }
        ring[slot] = null;
    }

    /** The row with {@code rowKey} was deleted: the value it held is free again. */
    public void releaseRow(Object rowKey) {
        if (rowKey == null) {
            return;
        }
        Object value = valueByRow.remove(rowKey);
        if (value != null) {
            Holder h = holders.get(value);
            if (h != null && rowKey.equals(h.rowKey)) {
                holders.remove(value);
            }
        }
    }

    /** How many values are remembered now. */
    public int size() {
        return holders.size();
    }

    public int capacity() {
        return capacity;
    }
}
