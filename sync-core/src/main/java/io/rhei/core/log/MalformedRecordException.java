package io.rhei.core.log;

import io.rhei.core.RheiException;

/** Bytes that pass the checksum but do not decode (a bug or a newer format), or a record that cannot be encoded. */
public class MalformedRecordException extends RheiException {
    public MalformedRecordException(String message) {
        super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
