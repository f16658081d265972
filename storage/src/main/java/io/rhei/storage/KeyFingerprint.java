package io.rhei.storage;

import io.rhei.core.model.RowKey;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * A 64-bit hash of a row key's values, for {@link FingerprintKeyIndex}. Equal keys always have equal fingerprints
 * (decimals arrive in {@link RowKey} without trailing zeros, so by value); different keys have equal ones about once in
 * 2^64 pairs, and the index resolves those against the stored key columns. Text is hashed over its characters and
 * decimals over their digits, because Java's 32-bit {@code hashCode} would collide once in some 65,000 text keys.
 */
final class KeyFingerprint {
    private static final long FNV_PRIME = 0x100000001B3L;
    private static final long FNV_OFFSET = 0xCBF29CE484222325L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private KeyFingerprint() {
    }

    static long of(RowKey key) {
        long h = GOLDEN * (key.size() + 1);
        for (int i = 0; i < key.size(); i++) {
            h = Long.rotateLeft(h, 23) ^ value(key.get(i));
            h *= GOLDEN;
        }
        return finish(h);
    }

    private static long value(Object v) {
        if (v == null) {
            return 0x5BD1E9955BD1E995L;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return finish(((Number) v).longValue());
        }
        if (v instanceof String s) {
            long h = FNV_OFFSET;
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * FNV_PRIME;
            }
            return finish(h ^ s.length());
        }
        if (v instanceof BigDecimal d) {
            long digits = d.unscaledValue().bitLength() < 64 ? d.unscaledValue().longValue() : bytes(d.unscaledValue().toByteArray());
            return finish(digits) ^ (d.scale() * GOLDEN);
        }
        if (v instanceof byte[] b) {
            return bytes(b);
        }
        if (v instanceof UUID u) {
            return finish(u.getMostSignificantBits() ^ Long.rotateLeft(finish(u.getLeastSignificantBits()), 17));
        }
        if (v instanceof Double d) {
            return finish(Double.doubleToLongBits(d));
        }
        if (v instanceof Float f) {
            return finish(Float.floatToIntBits(f));
        }
        if (v instanceof LocalDate d) {
            return finish(d.toEpochDay());
        }
        if (v instanceof LocalTime t) {
            return finish(t.toNanoOfDay());
        }
        if (v instanceof LocalDateTime t) {
            return finish(t.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + t.getNano());
        }
        if (v instanceof Instant t) {
            return finish(t.getEpochSecond() * 1_000_000_000L + t.getNano());
        }
        if (v instanceof Boolean b) {
            return b ? 0x2545F4914F6CDD1DL : 0x1D8E4E27C47D124FL;
        }
        return finish(v.hashCode()); // other types: only 32 bits, collisions are resolved all the same
    }

    private static long bytes(byte[] b) {
        long h = FNV_OFFSET;
        for (byte x : b) {
            h = (h ^ (x & 0xFF)) * FNV_PRIME;
        }
        return finish(h ^ b.length);
    }

    /** MurmurHash3's 64-bit finalizer. */
    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
