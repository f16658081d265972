package io.rhei.core.model;

/** PostgreSQL log sequence numbers: a 64-bit WAL position, written {@code 16/B374D848} (high and low 32 bits in hex). */
public final class Lsn {
    private Lsn() {
    }

    /** Parses {@code pg_current_wal_insert_lsn()}'s text form. */
    public static long parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not a PostgreSQL LSN (like 16/B374D848): '" + text + "'");
        }
        try {
            long high = Long.parseLong(text.substring(0, slash).strip(), 16);
            long low = Long.parseLong(text.substring(slash + 1).strip(), 16);
            if (high > 0xFFFFFFFFL || low > 0xFFFFFFFFL || high < 0 || low < 0) {
                throw new NumberFormatException();
            }
            return (high << 32) | low;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a PostgreSQL LSN (like 16/B374D848): '" + text + "'");
        }
    }

    /** The text form PostgreSQL prints. */
    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
