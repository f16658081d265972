package io.rhei.storage.objectstore;

import io.rhei.core.RheiException;

/** A storage call that failed, naming the store and key. */
public class ObjectStoreException extends RheiException {
    public ObjectStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public ObjectStoreException(String message) {
        super(message);
    }
}
