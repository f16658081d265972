package io.rhei.core.log;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.DocumentContext;

import java.util.Arrays;

/** Copies a Chronicle document's payload into a reusable array, so decoding works on plain bytes. */
final class DocumentBytes {
    private byte[] array = new byte[1024];
    private int length;

    /** Copies the payload of the present document {@code dc}; returns its length. */
    int copy(DocumentContext dc) {
        Bytes<?> bytes = dc.wire().bytes();
        long remaining = bytes.readRemaining();
        if (remaining > Integer.MAX_VALUE - 16) {
            throw new MalformedRecordException("log record of " + remaining + " bytes is larger than any record Rhei writes");
        }
        length = (int) remaining;
        if (length > array.length) {
            array = Arrays.copyOf(array, Math.max(length, array.length * 2));
        }
        bytes.read(array, 0, length);
        return length;
    }

    byte[] array() {
        return array;
    }

    int length() {
        return length;
    }
}
