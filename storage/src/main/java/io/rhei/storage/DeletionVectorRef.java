package io.rhei.storage;

/** Where a persisted deletion vector lives: a byte range of a deletion-vector object written by one commit. */
record DeletionVectorRef(String key, long offset, int length) {
}
