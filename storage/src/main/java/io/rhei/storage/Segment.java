package io.rhei.storage;

import org.roaringbitmap.RoaringBitmap;

/**
 * A data file and the rows of it that later commits deleted (its deletion vector), both immutable.
 * {@code stored} says where the deletion vector was persisted; null when it is empty, not yet persisted (changed
 * by the commit being made), or the table is not durable.
 */
record Segment(DataFile file, RoaringBitmap deleted, DeletionVectorRef stored) {
    Segment(DataFile file) {
        this(file, new RoaringBitmap(), null);
    }

    int liveRows() {
        return file.rowCount() - deleted.getCardinality();
    }

    /** Deletions to persist with the commit being made. */
    boolean unpersistedDeletes() {
        return stored == null && !deleted.isEmpty();
    }
}
