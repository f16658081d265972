package io.rhei.core.log;

/** Reads what {@link RecordBuffer} wrote, bounds-checked: running past the end is a malformed record. */
final class RecordReader {
    private byte[] bytes;
    private int pos;
    private int end;

    void reset(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.pos = offset;
        this.end = offset + length;
    }

    int position() {
        return pos;
    }

    private void need(int n) {
        if (n < 0 || pos + n > end) {
            throw new MalformedRecordException("record ends early: needed " + n + " bytes at offset " + pos + ", " + (end - pos) + " left");
        }
    }

    int readByte() {
        need(1);
        return bytes[pos++] & 0xFF;
    }

    int readInt() {
        need(4);
        int v = ((bytes[pos] & 0xFF) << 24) | ((bytes[pos + 1] & 0xFF) << 16) | ((bytes[pos + 2] & 0xFF) << 8) | (bytes[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    long readLong() {
        return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    long readVarLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new MalformedRecordException("variable-length number longer than 10 bytes at offset " + pos);
    }

    int readVarInt() {
        long v = readVarLong();
        if (v > Integer.MAX_VALUE) {
            throw new MalformedRecordException("length or count " + v + " out of range at offset " + pos);
        }
        return (int) v;
    }

    long readZigZag() {
        long v = readVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    byte[] readBytes(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(bytes, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** Skips {@code n} bytes and returns where they started, for callers that decode in place. */
    int skip(int n) {
        need(n);
        int start = pos;
        pos += n;
        return start;
    }

    byte[] array() {
        return bytes;
    }

    boolean atEnd() {
        return pos == end;
    }
}
