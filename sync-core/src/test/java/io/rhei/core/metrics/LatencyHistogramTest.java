package io.rhei.core.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyHistogramTest {
    @Test
    void percentilesAreWithinSevenPercentAboveTheExactValue() {
        LatencyHistogram h = new LatencyHistogram();
        Random r = new Random(3);
        long[] values = new long[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1 + (long) Math.abs(r.nextGaussian() * 50_000);
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[]{50, 90, 99, 99.9}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            long got = h.percentile(p);
            assertTrue(got >= exact && got <= exact * 1.07 + 1, "p" + p + ": exact " + exact + " histogram " + got);
        }
        assertEquals(values[values.length - 1], h.max());
        assertEquals(values.length, h.count());
    }

    @Test
    void emptyAndSmallValues() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentile(99));
        h.record(0);
        h.record(3);
        assertEquals(1, h.percentile(50));
        assertEquals(3, h.percentile(100));
    }
}
