package io.rhei.storage.objectstore;

/** {@link ObjectStore#putIfAbsent} found the key already taken. */
public final class ObjectExistsException extends ObjectStoreException {
    public ObjectExistsException(String message) {
        super(message);
    }
}
