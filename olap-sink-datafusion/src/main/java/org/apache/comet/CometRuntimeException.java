package org.apache.comet;

/** Base of the exceptions the native side throws (it needs the {@code (String)} constructors). */
public class CometRuntimeException extends RuntimeException {
    public CometRuntimeException(String message) {
        super(message);
    }

    public CometRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
