package io.rhei.core.log;

import io.rhei.core.RheiException;

/** The log's disk has less free space than the configured minimum; nothing was appended. Free space and retry. */
public class ChangeLogFullException extends RheiException {
    public ChangeLogFullException(String message) {
        super(message);
    }
}
