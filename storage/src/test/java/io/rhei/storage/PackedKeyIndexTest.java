package io.rhei.storage;

import io.rhei.core.model.RowKey;
import io.rhei.core.schema.ColumnType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackedKeyIndexTest {
    /** Keys of (bigint, integer), negative ones too; then one past 32 bits, after which the index is a map. */
    @Test
    void behavesLikeAMapBeforeAndAfterAKeyThatDoesNotFit() {
        Random rnd = new Random(19);
        PackedKeyIndex index = new PackedKeyIndex(ColumnType.Kind.INT64, ColumnType.Kind.INT32);
        Map<RowKey, Long> model = new HashMap<>();
        for (int op = 0; op < 400_000; op++) {
            long a = op == 300_000 ? 1L << 40 : rnd.nextInt(20_000) - 10_000L;
            RowKey key = RowKey.of(a, rnd.nextInt(7) - 3);
            int what = rnd.nextInt(10);
            if (what < 5) {
                long loc = 1 + rnd.nextInt(1_000_000);
                index.put(key, loc);
                model.put(key, loc);
            } else if (what < 8) {
                index.remove(key);
                model.remove(key);
            } else {
                assertEquals(model.getOrDefault(key, 0L), index.get(key), "key " + key + " after " + op + " operations");
            }
            if (op == 299_999) {
                assertTrue(index.isPacked(), "every key so far fits in 32 bits");
                checkEqual(model, index);
            }
        }
        assertFalse(index.isPacked(), "a key past 32 bits unpacked the index");
        checkEqual(model, index);
        assertEquals(0, index.get(RowKey.of(5L, 99)));
    }

    private static void checkEqual(Map<RowKey, Long> model, PackedKeyIndex index) {
        assertEquals(model.size(), index.size());
        for (Map.Entry<RowKey, Long> e : model.entrySet()) {
            assertEquals(e.getValue(), index.get(e.getKey()), "key " + e.getKey());
        }
    }

    /** Issue 19: a composite key in at most 24 bytes (TPC-H lineitem's (l_orderkey, l_linenumber)). */
    @Test
    void lineitemLikeKeysTakeAtMostTwentyFourBytesEach() {
        PackedKeyIndex index = new PackedKeyIndex(ColumnType.Kind.INT64, ColumnType.Kind.INT32);
        int n = 0;
        long worst = 0;
        for (long order = 1; n < 1_000_000; order++) {
            for (int line = 1; line <= 1 + order % 7 && n < 1_000_000; line++) {
                index.put(RowKey.of(order, line), ++n);
                if (n >= 10_000 && n % 1_000 == 0) {
                    worst = Math.max(worst, index.bytes() * 1000 / n);
                }
            }
        }
        assertTrue(worst <= 24_000, "bytes per key, times 1000: " + worst);
        assertEquals(1_000_000, index.size());
        assertEquals(1L, index.get(RowKey.of(1L, 1)));
        assertEquals(2L, index.get(RowKey.of(1L, 2)));
        assertEquals(0L, index.get(RowKey.of(1L, 3)));
    }
}
