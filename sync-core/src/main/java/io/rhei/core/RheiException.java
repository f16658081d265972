package io.rhei.core;

/** Base of every error Rhei raises on purpose; its message names the table, column, value or position involved. */
public class RheiException extends RuntimeException {
    public RheiException(String message) {
        super(message);
    }

    public RheiException(String message, Throwable cause) {
        super(message, cause);
    }
}
