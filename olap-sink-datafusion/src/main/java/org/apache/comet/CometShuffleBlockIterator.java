package org.apache.comet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Looked up by the 1.x native library at start-up, for its shuffle reader. Rhei's plans contain no shuffle, so no
 * instance is ever handed to the native side; the methods exist because the lookup checks their signatures.
 */
public class CometShuffleBlockIterator {
    private CometShuffleBlockIterator() {
    }

    public int hasNext() throws IOException {
        throw new UnsupportedOperationException("Rhei plans contain no shuffle");
    }

    public ByteBuffer getBuffer() {
        throw new UnsupportedOperationException("Rhei plans contain no shuffle");
    }

    public int getCurrentBlockLength() {
        throw new UnsupportedOperationException("Rhei plans contain no shuffle");
    }

    public void onDecodeFailure(String message) throws IOException {
        throw new UnsupportedOperationException("Rhei plans contain no shuffle");
    }

    public boolean requiresValidation() {
        return false;
    }

    public void incRecordsRead(long records) {
    }

    public static void readFully(InputStream in, ByteBuffer buffer, int length) throws IOException {
        throw new UnsupportedOperationException("Rhei plans contain no shuffle");
    }
}
