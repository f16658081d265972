package org.apache.comet.exceptions;

import org.apache.comet.CometNativeException;

/** The 1.x native library's error for Spark-classed errors (overflow, division by zero): its message is JSON. */
public final class CometQueryExecutionException extends CometNativeException {
    public CometQueryExecutionException(String message) {
        super(message);
    }

    public boolean isJsonMessage() {
        String m = getMessage();
        return m != null && m.startsWith("{");
    }
}
