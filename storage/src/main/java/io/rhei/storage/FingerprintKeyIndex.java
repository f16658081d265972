package io.rhei.storage;

import io.rhei.core.model.RowKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Every primary key that is not one or two integer columns (text, uuid, numeric, three or more columns, mixed): a
 * 64-bit {@linkplain KeyFingerprint fingerprint} of the key in a {@link LongKeyIndex}, 18 to 22 bytes per key instead of
 * a map entry plus the key's own objects (100 to 200 bytes for a short text key).
 *
 * <p>A fingerprint is not the key, so the index never trusts one alone. A fingerprint's entry is <em>owned</em> by the
 * one key whose row it locates. A lookup that finds an entry checks the owner against the key columns stored at that
 * location ({@link StoredKeys}), batch by batch ({@link #locate}: one read per data file, not per key); an entry owned by
 * another key is a collision, and the newcomer is kept exactly, key and all, in a small map ({@code exact}). With 64
 * bits, a table of a hundred million keys expects about one collision in 3,700, so that map stays empty in practice.
 * Owners learned by a batch's lookups are remembered until the next batch, so its updates and deletes read nothing more.
 * Inserts of new keys (a lookup that finds no entry) read nothing at all.
 */
final class FingerprintKeyIndex implements KeyIndex {
    /** The key stored at each location (a location the table holds), in the key columns' current types. */
    interface StoredKeys {
        RowKey[] at(long[] locations);
    }

    private final StoredKeys stored;
    private final ToLongFunction<RowKey> fingerprint;
    private final LongKeyIndex byFingerprint = new LongKeyIndex();
    private final KeyIndex.MapKeyIndex exact = new KeyIndex.MapKeyIndex();
    /** Fingerprint to the key owning its entry, as far as known since the current batch began. */
    private final Map<Long, RowKey> owners = new HashMap<>();

    FingerprintKeyIndex(StoredKeys stored) {
        this(stored, KeyFingerprint::of);
    }

    /** With another fingerprint: tests use a poor one, to make collisions common. */
    FingerprintKeyIndex(StoredKeys stored, ToLongFunction<RowKey> fingerprint) {
        this.stored = stored;
        this.fingerprint = fingerprint;
    }

    @Override
    public long[] locate(List<RowKey> keys) {
        owners.clear();
        long[] found = new long[keys.size()];
        long[] fps = new long[keys.size()];
        List<Integer> unverified = new ArrayList<>();
        for (int i = 0; i < found.length; i++) {
            RowKey key = keys.get(i);
            long loc = exact.size() == 0 ? 0 : exact.get(key);
            if (loc != 0) {
                found[i] = loc;
                continue;
            }
            long fp = fingerprint.applyAsLong(key);
            fps[i] = fp;
            RowKey owner = owners.get(fp);
            loc = byFingerprint.get(fp);
            if (loc == 0 || owner != null) {
                found[i] = owner == null || owner.equals(key) ? loc : 0;
            } else {
                found[i] = loc;
                unverified.add(i);
            }
        }
        if (!unverified.isEmpty()) {
            long[] locations = new long[unverified.size()];
            for (int j = 0; j < locations.length; j++) {
                locations[j] = found[unverified.get(j)];
            }
            RowKey[] owning = stored.at(locations);
            for (int j = 0; j < locations.length; j++) {
                int i = unverified.get(j);
                owners.put(fps[i], owning[j]);
                if (!owning[j].equals(keys.get(i))) {
                    found[i] = 0; // another key's entry: this key is not in the table
                }
            }
        }
        return found;
    }

    @Override
    public long get(RowKey key) {
        return locate(List.of(key))[0];
    }

    @Override
    public void put(RowKey key, long location) {
        if (exact.size() > 0 && exact.get(key) != 0) {
            exact.put(key, location);
            return;
        }
        long fp = fingerprint.applyAsLong(key);
        if (byFingerprint.get(fp) == 0 || key.equals(owner(fp))) {
            byFingerprint.put(fp, location);
            owners.put(fp, key);
        } else {
            exact.put(key, location);
        }
    }

    @Override
    public void remove(RowKey key) {
        if (exact.size() > 0 && exact.get(key) != 0) {
            exact.remove(key);
            return;
        }
        long fp = fingerprint.applyAsLong(key);
        if (byFingerprint.get(fp) != 0 && key.equals(owner(fp))) {
            byFingerprint.remove(fp);
            owners.remove(fp);
        }
    }

    /** The key owning the fingerprint's entry (there is one): remembered, or read where the entry points. */
    private RowKey owner(long fp) {
        RowKey owner = owners.get(fp);
        if (owner == null) {
            owner = stored.at(new long[] {byFingerprint.get(fp)})[0];
            owners.put(fp, owner);
        }
        return owner;
    }

    /** Loading at open: the table's live keys are distinct, so an entry already there belongs to another key. */
    @Override
    public void add(RowKey key, long location) {
        long fp = fingerprint.applyAsLong(key);
        if (byFingerprint.get(fp) == 0) {
            byFingerprint.put(fp, location);
        } else {
            exact.put(key, location);
        }
    }

    /** Compaction: the row at {@code from} has this key, so an entry pointing there is the key's own; nothing is read. */
    @Override
    public boolean replace(RowKey key, long from, long to) {
        if (exact.size() > 0 && exact.get(key) == from) {
            exact.put(key, to);
            return true;
        }
        long fp = fingerprint.applyAsLong(key);
        if (byFingerprint.get(fp) != from) {
            return false;
        }
        byFingerprint.put(fp, to);
        return true;
    }

    @Override
    public void clear() {
        byFingerprint.clear();
        exact.clear();
        owners.clear();
    }

    @Override
    public int size() {
        return byFingerprint.size() + exact.size();
    }

    /** For tests and figures: keys kept exactly because their fingerprint's entry is another key's. */
    int collisions() {
        return exact.size();
    }

    /** For tests and figures: bytes of the fingerprint table's arrays. */
    long bytes() {
        return byFingerprint.bytes();
    }
}
