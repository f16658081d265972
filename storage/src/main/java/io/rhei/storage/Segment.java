package io.rhei.storage;

import org.roaringbitmap.RoaringBitmap;

/** A data file and the rows of it that later commits deleted (its deletion vector). Both immutable. */
record Segment(DataFile file, RoaringBitmap deleted) {
    int liveRows() {
        return file.rowCount() - deleted.getCardinality();
    }
}
