package io.rhei.olap;

import org.apache.arrow.memory.BufferAllocator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A query's rows in a fixed order (by their text), for comparing plans whose rows come in different orders. */
final class SortedRows {
    private SortedRows() {
    }

    static List<List<Object>> of(DataFusionOlapEngine engine, String sql, BufferAllocator allocator) {
        List<List<Object>> rows = new ArrayList<>(QueryResults.read(engine.query(sql, allocator)).rows());
        rows.sort(Comparator.comparing(Object::toString));
        return rows;
    }
}
