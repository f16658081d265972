package io.rhei.storage;

import io.rhei.core.model.RowKey;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongKeyIndexTest {
    @Test
    void behavesLikeAMapThroughGrowthCollisionsAndBackwardShiftDeletes() {
        for (long range : new long[] {50, 5_000, Long.MAX_VALUE}) {
            Random rnd = new Random(range);
            LongKeyIndex index = new LongKeyIndex();
            Map<Long, Long> model = new HashMap<>();
            for (int op = 0; op < 200_000; op++) {
                long k = range == Long.MAX_VALUE ? rnd.nextLong() : (long) (rnd.nextDouble() * range) - range / 2;
                RowKey key = (op & 1) == 0 ? RowKey.of(k) : RowKey.of((int) k == k ? (Object) (int) k : (Object) k);
                int what = rnd.nextInt(10);
                if (what < 5) {
                    long loc = 1 + rnd.nextInt(1_000_000);
                    index.put(key, loc);
                    model.put(k, loc);
                } else if (what < 8) {
                    index.remove(key);
                    model.remove(k);
                } else {
                    assertEquals(model.getOrDefault(k, 0L), index.get(key), "key " + k + " after " + op + " operations");
                }
            }
            assertEquals(model.size(), index.size());
            for (Map.Entry<Long, Long> e : model.entrySet()) {
                assertEquals(e.getValue(), index.get(RowKey.of(e.getKey())));
            }
        }
    }

    @Test
    void keysThatOutgrowThirtyTwoBitsMidwayKeepEveryEntry() {
        Random rnd = new Random(7);
        LongKeyIndex index = new LongKeyIndex();
        Map<Long, Long> model = new HashMap<>();
        for (int op = 0; op < 300_000; op++) {
            // narrow keys first, then a mix with keys past 2^31 (the index widens its key arrays)
            long k = op < 150_000 ? rnd.nextInt(100_000) : (rnd.nextBoolean() ? rnd.nextInt(100_000) : (1L << 40) + rnd.nextInt(100_000));
            if (rnd.nextInt(4) == 0) {
                index.remove(RowKey.of(k));
                model.remove(k);
            } else {
                long loc = 1 + rnd.nextInt(1_000_000);
                index.put(RowKey.of(k), loc);
                model.put(k, loc);
            }
        }
        assertEquals(model.size(), index.size());
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            assertEquals(e.getValue(), index.get(RowKey.of(e.getKey())));
        }
        assertEquals(0, index.get(RowKey.of((1L << 40) + 200_000)));
    }

    /** Issue 19: at most 16 bytes per integer key, at every size (the load stays between 75% and 90%). */
    @Test
    void integerKeysTakeAtMostSixteenBytesEachAtEverySize() {
        LongKeyIndex index = new LongKeyIndex();
        long worst = 0;
        for (int k = 1; k <= 2_000_000; k++) {
            index.put(RowKey.of(k), k);
            if (k >= 10_000 && k % 1_000 == 0) {
                worst = Math.max(worst, index.bytes() * 1000 / k);
            }
        }
        assertTrue(worst <= 16_000, "bytes per key, times 1000: " + worst);
        assertEquals(2_000_000, index.size());
        assertEquals(1_999_999L, index.get(RowKey.of(1_999_999)));
    }
}
