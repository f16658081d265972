package io.rhei.storage;

import io.rhei.core.model.RowKey;


/**
 * A primary-key index for one integer key column: open addressing with linear probing over two primitive arrays,
 * deletion by backward shift (no tombstones). A location is never 0, so 0 marks a free slot.
 */
final class LongKeyIndex implements KeyIndex {
    private static final int MIN_CAPACITY = 16;
    private long[] keys = new long[MIN_CAPACITY];
    private long[] locations = new long[MIN_CAPACITY];
    private int size;

    private static long key(RowKey k) {
        return ((Number) k.get(0)).longValue();
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing spreads sequential keys
        return (int) (h ^ (h >>> 32));
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int i = hash(key) & mask;
        while (locations[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    @Override
    public long get(RowKey key) {
        return locations[slot(key(key))];
    }

    @Override
    public void put(RowKey key, long location) {
        if (location == 0) {
            throw new IllegalArgumentException("location 0 is reserved");
        }
        long k = key(key);
        int i = slot(k);
        if (locations[i] == 0) {
            if ((size + 1) * 4L > keys.length * 3L) { // keep the load under 3/4
                grow();
                i = slot(k);
            }
            size++;
        }
        keys[i] = k;
        locations[i] = location;
    }

    @Override
    public void remove(RowKey key) {
        int mask = keys.length - 1;
        int i = slot(key(key));
        if (locations[i] == 0) {
            return;
        }
        size--;
        // Backward shift: move later entries of the probe run into the hole when their home allows it.
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (locations[j] == 0) {
                break;
            }
            int home = hash(keys[j]) & mask;
            boolean between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!between) {
                keys[hole] = keys[j];
                locations[hole] = locations[j];
                hole = j;
            }
        }
        locations[hole] = 0;
        keys[hole] = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldLocations = locations;
        keys = new long[oldKeys.length * 2];
        locations = new long[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int s = 0; s < oldKeys.length; s++) {
            if (oldLocations[s] != 0) {
                int i = hash(oldKeys[s]) & mask;
                while (locations[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[s];
                locations[i] = oldLocations[s];
            }
        }
    }

    @Override
    public void clear() {
        keys = new long[MIN_CAPACITY];
        locations = new long[MIN_CAPACITY];
        size = 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "LongKeyIndex[" + size + " keys, capacity " + keys.length + "]";
    }
}
