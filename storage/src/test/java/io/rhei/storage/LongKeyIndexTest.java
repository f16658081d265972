package io.rhei.storage;

import io.rhei.core.model.RowKey;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
