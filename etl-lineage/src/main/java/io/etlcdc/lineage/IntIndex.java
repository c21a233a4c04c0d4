package io.etlcdc.lineage;

import java.util.Arrays;

/** Small primitive collections for the query index: no boxing on the paths queries take. */
final class IntIndex {
    private IntIndex() {}

    /** A growable list of ints. */
    static final class IntList {
        int[] items;
        int size;

        IntList(int capacity) {
            items = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        int get(int i) {
            return items[i];
        }
    }

    /**
     * An open-addressing map from non-negative long keys to ints; {@link #get} answers -1 for a
     * missing key. An empty slot holds the key -1.
     */
    static final class LongIntMap {
        private long[] keys;
        private int[] values;
        private int size;
        private int mask;

        LongIntMap(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            keys = new long[cap];
            Arrays.fill(keys, -1L);
            values = new int[cap];
            mask = cap - 1;
        }

        private static int hash(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }

        /** The slot holding {@code key}, or the empty slot where it would go. */
        private int slot(long key) {
            int i = hash(key) & mask;
            long k;
            while ((k = keys[i]) != -1L && k != key) {
                i = (i + 1) & mask;
            }
            return i;
        }

        int get(long key) {
            int i = slot(key);
            return key != -1L && keys[i] == key ? values[i] : -1;
        }

        /** Puts {@code value} when {@code key} is absent; answers the value now mapped. */
        int putIfAbsent(long key, int value) {
            int i = slot(key);
            if (keys[i] == key) {
                return values[i];
            }
            keys[i] = key;
            values[i] = value;
            if (++size * 2 > keys.length) {
                grow();
            }
            return value;
        }

        int size() {
            return size;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            int cap = oldKeys.length * 2;
            keys = new long[cap];
            Arrays.fill(keys, -1L);
            values = new int[cap];
            mask = cap - 1;
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != -1L) {
                    putIfAbsent(oldKeys[i], oldValues[i]);
                }
            }
        }
    }

    static int[] grow(int[] a, int min, int fill) {
        if (min <= a.length) {
            return a;
        }
        int old = a.length;
        int[] b = Arrays.copyOf(a, Math.max(min, old * 2));
        Arrays.fill(b, old, b.length, fill);
        return b;
    }
}
