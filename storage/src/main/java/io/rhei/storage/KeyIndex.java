package io.rhei.storage;

import io.rhei.core.model.RowKey;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A table's primary-key index: key to location (file id in the high 32 bits, row in the low 32; never 0).
 * Integer keys, by far the most common, get a compact open-addressing table of primitives ({@link LongKeyIndex}, 12 to
 * 16 bytes per key instead of about 110 for boxed map entries); keys of two integer columns the same table, with both
 * values packed into one long ({@link PackedKeyIndex}); other keys a 64-bit fingerprint checked against the stored key
 * ({@link FingerprintKeyIndex}). Tables without a primary key index the whole row, with one location per copy of it
 * ({@link MultiKeyIndex}).
 */
interface KeyIndex {
    /** 0 when the key is absent. */
    long get(RowKey key);

    /** {@link #get} of each key, in order: one batch's lookups, which an index may answer together. */
    default long[] locate(List<RowKey> keys) {
        long[] found = new long[keys.size()];
        for (int i = 0; i < found.length; i++) {
            found[i] = get(keys.get(i));
        }
        return found;
    }

    void put(RowKey key, long location);

    void remove(RowKey key);

    void clear();

    int size();

    /** Adds a location for the key: with a unique key, the key's location. */
    default void add(RowKey key, long location) {
        put(key, location);
    }

    /** Moves the key's entry from one location to another, if the key is still there; false otherwise. */
    default boolean replace(RowKey key, long from, long to) {
        if (get(key) != from) {
            return false;
        }
        put(key, to);
        return true;
    }

    /** Removes this one location of the key (if it is there). */
    default void removeLocation(RowKey key, long location) {
        if (get(key) == location) {
            remove(key);
        }
    }

    /** A location of the key that {@code excluded} does not reject, or 0. */
    default long anyLocation(RowKey key, java.util.function.LongPredicate excluded) {
        long loc = get(key);
        return loc != 0 && !excluded.test(loc) ? loc : 0;
    }

    /** The index for a table's key; {@code stored} reads the keys stored at locations, for indexes that check against them. */
    static KeyIndex forSchema(TableSchema schema, FingerprintKeyIndex.StoredKeys stored) {
        if (!schema.hasPrimaryKey()) {
            return new MultiKeyIndex();
        }
        if (schema.primaryKey().size() == 1 && isInteger(schema, 0)) {
            return new LongKeyIndex();
        }
        if (schema.primaryKey().size() == 2 && isInteger(schema, 0) && isInteger(schema, 1)) {
            return new PackedKeyIndex(kind(schema, 0), kind(schema, 1));
        }
        return new FingerprintKeyIndex(stored);
    }

    private static ColumnType.Kind kind(TableSchema schema, int keyColumn) {
        return schema.column(schema.primaryKey().get(keyColumn)).orElseThrow().type().kind();
    }

    private static boolean isInteger(TableSchema schema, int keyColumn) {
        ColumnType.Kind kind = kind(schema, keyColumn);
        return kind == ColumnType.Kind.INT16 || kind == ColumnType.Kind.INT32 || kind == ColumnType.Kind.INT64;
    }

    /** Whole rows of a keyless table: each distinct row with the locations of its copies. */
    final class MultiKeyIndex implements KeyIndex {
        private final Map<RowKey, long[]> map = new HashMap<>();
        private int size;

        @Override
        public long get(RowKey key) {
            long[] locs = map.get(key);
            return locs == null ? 0 : locs[0];
        }

        @Override
        public void put(RowKey key, long location) {
            throw new UnsupportedOperationException("a keyless table's rows are added and removed one copy at a time");
        }

        @Override
        public void remove(RowKey key) {
            throw new UnsupportedOperationException("a keyless table's rows are added and removed one copy at a time");
        }

        @Override
        public void add(RowKey key, long location) {
            long[] locs = map.get(key);
            if (locs == null) {
                map.put(key, new long[] {location});
            } else {
                long[] more = java.util.Arrays.copyOf(locs, locs.length + 1);
                more[locs.length] = location;
                map.put(key, more);
            }
            size++;
        }

        @Override
        public boolean replace(RowKey key, long from, long to) {
            long[] locs = map.get(key);
            if (locs != null) {
                for (int i = 0; i < locs.length; i++) {
                    if (locs[i] == from) {
                        locs[i] = to;
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        public void removeLocation(RowKey key, long location) {
            long[] locs = map.get(key);
            if (locs == null) {
                return;
            }
            for (int i = 0; i < locs.length; i++) {
                if (locs[i] == location) {
                    size--;
                    if (locs.length == 1) {
                        map.remove(key);
                    } else {
                        long[] fewer = new long[locs.length - 1];
                        System.arraycopy(locs, 0, fewer, 0, i);
                        System.arraycopy(locs, i + 1, fewer, i, locs.length - i - 1);
                        map.put(key, fewer);
                    }
                    return;
                }
            }
        }

        @Override
        public long anyLocation(RowKey key, java.util.function.LongPredicate excluded) {
            long[] locs = map.get(key);
            if (locs != null) {
                for (long loc : locs) {
                    if (!excluded.test(loc)) {
                        return loc;
                    }
                }
            }
            return 0;
        }

        @Override
        public void clear() {
            map.clear();
            size = 0;
        }

        @Override
        public int size() {
            return size;
        }
    }

    /** Any key: a hash map of row keys (the fallback of {@link PackedKeyIndex}, and {@link FingerprintKeyIndex}'s collisions). */
    final class MapKeyIndex implements KeyIndex {
        private final Map<RowKey, Long> map = new HashMap<>();

        @Override
        public long get(RowKey key) {
            Long v = map.get(key);
            return v == null ? 0 : v;
        }

        @Override
        public void put(RowKey key, long location) {
            map.put(key, location);
        }

        @Override
        public void remove(RowKey key) {
            map.remove(key);
        }

        @Override
        public void clear() {
            map.clear();
        }

        @Override
        public int size() {
            return map.size();
        }
    }
}
