package io.rhei.storage;

import io.rhei.core.model.RowKey;
import io.rhei.core.schema.ColumnType;

/**
 * A primary key of two integer columns, such as TPC-H's {@code (l_orderkey, l_linenumber)} or a {@code (tenant_id, id)}:
 * both values packed into one 64-bit key of a {@link LongKeyIndex}, 18 to 22 bytes per key instead of about 110 in a
 * map of row keys. Packing is exact (no hash, no collision) while both values fit in 32 bits; the first key that does
 * not moves every entry into a {@link KeyIndex.MapKeyIndex} for good, so no key is ever mistaken for another.
 */
final class PackedKeyIndex implements KeyIndex {
    private final ColumnType.Kind first;
    private final ColumnType.Kind second;
    private LongKeyIndex packed = new LongKeyIndex();
    private KeyIndex.MapKeyIndex unpacked;

    PackedKeyIndex(ColumnType.Kind first, ColumnType.Kind second) {
        this.first = first;
        this.second = second;
    }

    /** The two values as one long, or null when one does not fit in 32 bits. */
    private static Long pack(RowKey key) {
        long a = ((Number) key.get(0)).longValue();
        long b = ((Number) key.get(1)).longValue();
        if ((int) a != a || (int) b != b) {
            return null;
        }
        return (a << 32) | (b & 0xFFFF_FFFFL);
    }

    private RowKey unpack(long k) {
        return RowKey.of(value(first, k >> 32), value(second, (int) k));
    }

    /** The value as the key column's Java type, so that unpacked keys equal the row keys the applier makes. */
    private static Object value(ColumnType.Kind kind, long v) {
        return switch (kind) {
            case INT16 -> (short) v;
            case INT32 -> (int) v;
            default -> v;
        };
    }

    /** From now on, a map: a key did not fit. */
    private KeyIndex.MapKeyIndex unpackAll() {
        KeyIndex.MapKeyIndex map = new KeyIndex.MapKeyIndex();
        packed.forEach((k, loc) -> map.put(unpack(k), loc));
        packed = null;
        unpacked = map;
        return map;
    }

    @Override
    public long get(RowKey key) {
        if (unpacked != null) {
            return unpacked.get(key);
        }
        Long k = pack(key);
        return k == null ? 0 : packed.get(k); // a key that does not fit was never stored packed
    }

    @Override
    public void put(RowKey key, long location) {
        if (unpacked != null) {
            unpacked.put(key, location);
            return;
        }
        Long k = pack(key);
        if (k == null) {
            unpackAll().put(key, location);
        } else {
            packed.put(k, location);
        }
    }

    @Override
    public void remove(RowKey key) {
        if (unpacked != null) {
            unpacked.remove(key);
            return;
        }
        Long k = pack(key);
        if (k != null) {
            packed.remove(k);
        }
    }

    @Override
    public void clear() {
        packed = new LongKeyIndex();
        unpacked = null;
    }

    @Override
    public int size() {
        return unpacked != null ? unpacked.size() : packed.size();
    }

    /** For tests: whether every key so far fitted. */
    boolean isPacked() {
        return unpacked == null;
    }

    /** For tests and figures: bytes of the packed index's arrays (0 once unpacked). */
    long bytes() {
        return packed == null ? 0 : packed.bytes();
    }
}
