package io.rhei.storage;

import io.rhei.core.model.RowKey;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FingerprintKeyIndexTest {
    /** The rows a table holds: location to key, as the table's files would answer; asking about any other location fails. */
    private static final class Table implements FingerprintKeyIndex.StoredKeys {
        final Map<Long, RowKey> rows = new HashMap<>();
        int reads;

        @Override
        public RowKey[] at(long[] locations) {
            reads++;
            RowKey[] keys = new RowKey[locations.length];
            for (int i = 0; i < locations.length; i++) {
                keys[i] = rows.get(locations[i]);
                assertTrue(keys[i] != null, "the index asked for location " + locations[i] + ", which holds no row");
            }
            return keys;
        }
    }

    /**
     * Batches applied as the table applies them (locate, then puts and removes), compactions that move rows, and
     * reopenings, with a fingerprint of only 4 bits, so that nearly every key collides with others: every lookup must
     * still answer exactly what a map of the keys answers.
     */
    @Test
    void answersLikeAMapOfTheKeysWhenFingerprintsCollideAllTheTime() {
        Random rnd = new Random(21);
        Table table = new Table();
        FingerprintKeyIndex index = new FingerprintKeyIndex(table, k -> k.hashCode() & 15);
        Map<RowKey, Long> model = new HashMap<>();
        long nextLocation = 1;
        for (int batch = 0; batch < 3_000; batch++) {
            LinkedHashSet<RowKey> distinct = new LinkedHashSet<>();
            int size = 1 + rnd.nextInt(20);
            while (distinct.size() < size) {
                distinct.add(randomKey(rnd));
            }
            List<RowKey> keys = new ArrayList<>(distinct);
            long[] found = index.locate(keys);
            for (int i = 0; i < keys.size(); i++) {
                assertEquals(model.getOrDefault(keys.get(i), 0L), found[i], "key " + keys.get(i) + " in batch " + batch);
            }
            Map<RowKey, Long> changes = new HashMap<>();
            for (RowKey key : keys) {
                changes.put(key, rnd.nextInt(3) == 0 ? null : nextLocation++);
            }
            changes.forEach((key, loc) -> { // the new rows are stored before the index follows, as in a commit
                if (loc != null) {
                    table.rows.put(loc, key);
                }
            });
            for (Map.Entry<RowKey, Long> change : changes.entrySet()) {
                RowKey key = change.getKey();
                Long old = model.get(key);
                if (change.getValue() == null) {
                    index.remove(key);
                    model.remove(key);
                } else {
                    index.put(key, change.getValue());
                    model.put(key, change.getValue());
                }
                if (old != null) {
                    table.rows.remove(old);
                }
            }
            if (batch % 97 == 0 && !model.isEmpty()) { // compaction: some rows move to a new file
                for (RowKey key : new ArrayList<>(model.keySet()).subList(0, Math.min(10, model.size()))) {
                    long from = model.get(key);
                    long to = nextLocation++;
                    table.rows.put(to, key);
                    assertTrue(index.replace(key, from, to));
                    assertTrue(!index.replace(key, from, to), "a second move from the old location finds nothing");
                    table.rows.remove(from);
                    model.put(key, to);
                }
            }
            if (batch % 500 == 499) { // the table reopens: the index is loaded from the live rows
                index = new FingerprintKeyIndex(table, k -> k.hashCode() & 15);
                List<Map.Entry<Long, RowKey>> live = new ArrayList<>(table.rows.entrySet());
                java.util.Collections.shuffle(live, rnd);
                for (Map.Entry<Long, RowKey> e : live) {
                    index.add(e.getValue(), e.getKey());
                }
            }
            assertEquals(model.size(), index.size());
        }
        for (Map.Entry<RowKey, Long> e : model.entrySet()) {
            assertEquals(e.getValue(), index.get(e.getKey()));
        }
        assertTrue(index.collisions() > 100, "the test made collisions: " + index.collisions());
    }

    private static RowKey randomKey(Random rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> RowKey.of("k" + rnd.nextInt(300));
            case 1 -> RowKey.of(rnd.nextInt(10), "t" + rnd.nextInt(20), new BigDecimal(rnd.nextInt(3) + ".50"));
            default -> RowKey.of(new UUID(0, rnd.nextInt(200)));
        };
    }

    /** New keys cost no read; a batch of updates costs one read (one per data file in the table), not one per key. */
    @Test
    void insertsReadNothingAndABatchOfUpdatesReadsOnce() {
        Table table = new Table();
        FingerprintKeyIndex index = new FingerprintKeyIndex(table);
        List<RowKey> keys = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            keys.add(RowKey.of("customer-" + i + "@example.com"));
        }
        assertArrayEquals(new long[keys.size()], index.locate(keys));
        for (int i = 0; i < keys.size(); i++) {
            table.rows.put(i + 1L, keys.get(i));
            index.put(keys.get(i), i + 1L);
        }
        assertEquals(0, table.reads, "inserting new keys read nothing");
        long[] found = index.locate(keys.subList(0, 500));
        assertEquals(1, table.reads);
        for (int i = 0; i < 500; i++) {
            assertEquals(i + 1L, found[i]);
            table.rows.put(20_000L + i, keys.get(i));
            index.put(keys.get(i), 20_000L + i);
        }
        assertEquals(1, table.reads, "the batch's updates knew their keys' entries from its lookups");
        assertEquals(0, index.get(RowKey.of("someone-else@example.com")));
        assertEquals(0, index.collisions());
    }

    /** Issue 19: text and composite keys in at most 24 bytes each (here a million e-mail addresses). */
    @Test
    void textKeysTakeAtMostTwentyFourBytesEach() {
        Table table = new Table();
        FingerprintKeyIndex index = new FingerprintKeyIndex(table);
        long worst = 0;
        for (int n = 1; n <= 1_000_000; n++) {
            index.add(RowKey.of("user" + n + "@example.com"), n);
            if (n >= 10_000 && n % 1_000 == 0) {
                worst = Math.max(worst, index.bytes() * 1000 / n);
            }
        }
        assertTrue(worst <= 24_000, "bytes per key, times 1000: " + worst);
        assertEquals(1_000_000, index.size());
        assertEquals(0, index.collisions());
    }

    @Test
    void equalKeysHaveEqualFingerprintsAndNearKeysDoNot() {
        assertEquals(KeyFingerprint.of(RowKey.of(new BigDecimal("1.5"))), KeyFingerprint.of(RowKey.of(new BigDecimal("1.500"))));
        assertEquals(KeyFingerprint.of(RowKey.of("a", 1)), KeyFingerprint.of(RowKey.of("a", 1)));
        assertNotEquals(KeyFingerprint.of(RowKey.of("a", 1)), KeyFingerprint.of(RowKey.of(1, "a")));
        assertNotEquals(KeyFingerprint.of(RowKey.of("ab", "c")), KeyFingerprint.of(RowKey.of("a", "bc")));
        assertNotEquals(KeyFingerprint.of(RowKey.of("Aa")), KeyFingerprint.of(RowKey.of("BB")), "equal String.hashCode, different fingerprints");
        assertNotEquals(KeyFingerprint.of(RowKey.of((Object) null)), KeyFingerprint.of(RowKey.of("")));
    }
}
