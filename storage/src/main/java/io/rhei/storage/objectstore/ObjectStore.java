package io.rhei.storage.objectstore;

import java.util.List;
import java.util.Map;

/**
 * Keys and bytes where durable tables live: a local directory or an S3-compatible bucket. Keys are relative,
 * '/'-separated. Every object is written whole and becomes visible whole (never half-written).
 */
public interface ObjectStore extends AutoCloseable {

    /** Writes {@code bytes} under {@code key}, replacing what was there. */
    void put(String key, byte[] bytes);

    /**
     * Writes {@code bytes} under {@code key} only if nothing is there yet: the commit point of a table (its
     * next manifest version).
     *
     * @throws ObjectExistsException when the key exists (another writer got there first)
     */
    void putIfAbsent(String key, byte[] bytes);

    /** @throws ObjectStoreException naming the key when it is missing or unreadable */
    byte[] get(String key);

    /** Objects whose key starts with {@code prefix}, in key order. */
    List<ObjectInfo> list(String prefix);

    /** Deletes {@code key}; a missing key is not an error. */
    void delete(String key);

    /** The URI the Vortex library reads and writes {@code key} under (file:// or s3://). */
    String vortexUri(String key);

    /** Options the Vortex library needs for this store (endpoint, region, credentials); the same for every call. */
    Map<String, String> vortexOptions();

    /** Where this is, for logs and errors: never credentials. */
    String describe();

    @Override
    void close();

    record ObjectInfo(String key, long size, long lastModifiedMillis) {
    }
}
