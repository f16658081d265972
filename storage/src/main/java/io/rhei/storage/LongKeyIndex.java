package io.rhei.storage;

import io.rhei.core.model.RowKey;

/**
 * A primary-key index for one integer key column, compact enough for tables of a hundred million rows on the default
 * heap: 12 to 16 bytes per key while the keys fit in 32 bits (always for smallint and integer keys, and for most
 * bigint ones), 18 to 22 bytes past that.
 *
 * <p>How: open addressing with Robin Hood linear probing, which keeps probe runs short at a 90% load, so the table
 * may be that full; capacities are not powers of two (a slot is chosen by multiply-shift), so each growth is by a
 * fifth rather than a doubling, and the load never falls below 75%. Keys are kept in an {@code int[]} until the first
 * one that does not fit, then in a {@code long[]}. The table is split into {@value #SEGMENTS} segments by the key's hash,
 * each growing on its own, so that a growth copies a sixty-fourth of the index, not all of it at once (a whole-table
 * copy would need twice the index's memory at its peak). Deletion shifts the following entries back (no tombstones). A
 * location is never 0, so 0 marks a free slot.
 */
final class LongKeyIndex implements KeyIndex {
    private static final int SEGMENTS = 64;
    private static final int SEGMENT_BITS = 6;
    private final Segment[] segments = new Segment[SEGMENTS];
    private int size;

    LongKeyIndex() {
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment();
        }
    }

    private static long key(RowKey k) {
        return ((Number) k.get(0)).longValue();
    }

    /**
     * MurmurHash3's 64-bit finalizer: every bit of the key moves every bit of the hash, which packed keys (two values in
     * the two halves, {@link PackedKeyIndex}) need; a plain multiply left the slot to the low half alone. The top bits
     * pick the segment, the low 32 the slot.
     */
    private static long hash(long key) {
        long h = key ^ (key >>> 33);
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }

    private Segment segment(long h) {
        return segments[(int) (h >>> (64 - SEGMENT_BITS))];
    }

    @Override
    public long get(RowKey key) {
        return get(key(key));
    }

    @Override
    public void put(RowKey key, long location) {
        put(key(key), location);
    }

    @Override
    public void remove(RowKey key) {
        remove(key(key));
    }

    long get(long k) {
        long h = hash(k);
        Segment s = segment(h);
        int i = s.find(k, h);
        return i < 0 ? 0 : s.locations[i];
    }

    void put(long k, long location) {
        if (location == 0) {
            throw new IllegalArgumentException("location 0 is reserved");
        }
        long h = hash(k);
        if (segment(h).put(k, h, location)) {
            size++;
        }
    }

    void remove(long k) {
        long h = hash(k);
        if (segment(h).remove(k, h)) {
            size--;
        }
    }

    /** Every entry: key and location. */
    void forEach(java.util.function.BiConsumer<Long, Long> action) {
        for (Segment s : segments) {
            for (int i = 0; i < s.locations.length; i++) {
                if (s.locations[i] != 0) {
                    action.accept(s.keyAt(i), s.locations[i]);
                }
            }
        }
    }

    @Override
    public void clear() {
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = new Segment();
        }
        size = 0;
    }

    @Override
    public int size() {
        return size;
    }

    /** Bytes the index's arrays take on the heap. */
    long bytes() {
        long b = 0;
        for (Segment s : segments) {
            b += (long) s.locations.length * (s.wide == null ? 12 : 16);
        }
        return b;
    }

    @Override
    public String toString() {
        return "LongKeyIndex[" + size + " keys, " + bytes() + " bytes]";
    }

    /** One open-addressing table: keys in {@code narrow} (or {@code wide} once a key needs 64 bits), locations beside. */
    private static final class Segment {
        private static final int INITIAL = 8;
        int[] narrow = new int[INITIAL];
        long[] wide;
        long[] locations = new long[INITIAL];
        int size;

        private long keyAt(int i) {
            return wide == null ? narrow[i] : wide[i];
        }

        private void setKey(int i, long k) {
            if (wide == null) {
                narrow[i] = (int) k;
            } else {
                wide[i] = k;
            }
        }

        private int home(long h) {
            return (int) (((h & 0xFFFF_FFFFL) * locations.length) >>> 32);
        }

        /** How far slot {@code i} is from the home of the key it holds. */
        private int distance(int i) {
            int home = home(hash(keyAt(i)));
            return i >= home ? i - home : i + locations.length - home;
        }

        /** The key's slot, or -1. Robin Hood: a run is searched only while its residents are no farther from home. */
        int find(long k, long h) {
            if (wide == null && (int) k != k) {
                return -1; // no 64-bit key was ever stored here
            }
            int cap = locations.length;
            int i = home(h);
            for (int d = 0; ; d++) {
                if (locations[i] == 0) {
                    return -1;
                }
                if (keyAt(i) == k) {
                    return i;
                }
                if (d > 0 && distance(i) < d) {
                    return -1;
                }
                i = i + 1 == cap ? 0 : i + 1;
            }
        }

        /** True when the key is new. One pass: the key's run is walked once, to update it or to insert it. */
        boolean put(long k, long h, long location) {
            if (wide == null && (int) k != k) {
                widen();
            }
            if ((size + 1) * 10L > locations.length * 9L) { // keep the load at most 90%
                grow();
            }
            int cap = locations.length;
            int i = home(h);
            for (int d = 0; ; d++) {
                if (locations[i] == 0) {
                    setKey(i, k);
                    locations[i] = location;
                    size++;
                    return true;
                }
                if (keyAt(i) == k) {
                    locations[i] = location;
                    return false;
                }
                int rd = d == 0 ? 0 : distance(i);
                if (rd < d) { // the key is absent; the resident, nearer its home, yields the slot and moves on
                    long rk = keyAt(i);
                    long rl = locations[i];
                    setKey(i, k);
                    locations[i] = location;
                    insert(i + 1 == cap ? 0 : i + 1, rk, rl, rd + 1);
                    size++;
                    return true;
                }
                i = i + 1 == cap ? 0 : i + 1;
            }
        }

        /** Robin Hood insertion of a key known to be absent, from slot {@code i} at distance {@code d} from its home. */
        private void insert(int i, long k, long location, int d) {
            int cap = locations.length;
            while (locations[i] != 0) {
                int rd = distance(i);
                if (rd < d) {
                    long rk = keyAt(i);
                    long rl = locations[i];
                    setKey(i, k);
                    locations[i] = location;
                    k = rk;
                    location = rl;
                    d = rd;
                }
                i = i + 1 == cap ? 0 : i + 1;
                d++;
            }
            setKey(i, k);
            locations[i] = location;
        }

        boolean remove(long k, long h) {
            int i = find(k, h);
            if (i < 0) {
                return false;
            }
            int cap = locations.length;
            int j = i + 1 == cap ? 0 : i + 1;
            while (locations[j] != 0 && distance(j) > 0) {
                setKey(i, keyAt(j));
                locations[i] = locations[j];
                i = j;
                j = j + 1 == cap ? 0 : j + 1;
            }
            locations[i] = 0;
            setKey(i, 0);
            size--;
            return true;
        }

        private void widen() {
            wide = new long[narrow.length];
            for (int i = 0; i < narrow.length; i++) {
                wide[i] = narrow[i];
            }
            narrow = null;
        }

        /** By a fifth: the load falls from 90% to 75%. */
        private void grow() {
            int[] oldNarrow = narrow;
            long[] oldWide = wide;
            long[] oldLocations = locations;
            int cap = Math.max(INITIAL, (int) Math.min(Integer.MAX_VALUE - 8, oldLocations.length * 6L / 5 + 1));
            locations = new long[cap];
            if (oldWide == null) {
                narrow = new int[cap];
            } else {
                wide = new long[cap];
            }
            for (int s = 0; s < oldLocations.length; s++) {
                if (oldLocations[s] != 0) {
                    long k = oldWide == null ? oldNarrow[s] : oldWide[s];
                    insert(home(hash(k)), k, oldLocations[s], 0);
                }
            }
        }
    }
}
