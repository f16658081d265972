package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.model.RowKey;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.SchemaEvolution;
import io.rhei.core.schema.TableSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.roaringbitmap.RoaringBitmap;

import java.util.List;

/** Loading the key index when a table opens: every live row of every data file, keyed by its primary key. */
final class KeyIndexLoader {
    private final KeyIndex index;
    private final TableFiles files;
    private final BufferAllocator allocator;

    KeyIndexLoader(KeyIndex index, TableFiles files, BufferAllocator allocator) {
        this.index = index;
        this.files = files;
        this.allocator = allocator;
    }

    /** Adds the live rows of one file to the key index (keyless tables: the whole row is the key). */
    void load(Segment seg, TableSchema current) {
        DataFile f = seg.file();
        TableSchema fs = f.schema();
        List<Column> keyColumns = current.hasPrimaryKey()
                ? current.primaryKey().stream().map(k -> current.column(k).orElseThrow()).toList()
                : current.columns();
        List<String> names = keyColumns.stream().map(Column::name).filter(n -> fs.position(n).isPresent()).toList();
        // per key column, once: where it is in the read batch (-1: added after this file was written) and its stored form
        int[] inBatch = new int[keyColumns.size()];
        Column[] stored = new Column[keyColumns.size()];
        for (int k = 0; k < inBatch.length; k++) {
            inBatch[k] = names.indexOf(keyColumns.get(k).name());
            stored[k] = inBatch[k] < 0 ? null : fs.column(keyColumns.get(k).name()).orElseThrow();
        }
        int row = 0;
        try (BatchStream batches = f.read(names, new RoaringBitmap(), ScanFilter.ALL, allocator)) {
            while (batches.hasNext()) {
                try (VectorSchemaRoot b = batches.next()) {
                    for (int r = 0; r < b.getRowCount(); r++, row++) {
                        if (seg.deleted().contains(row)) {
                            continue;
                        }
                        Object[] key = new Object[keyColumns.size()];
                        for (int k = 0; k < key.length; k++) {
                            if (inBatch[k] >= 0) {
                                Object v = ArrowValues.get(b.getVector(inBatch[k]), r, stored[k].type());
                                key[k] = SchemaEvolution.widen(v, stored[k].type(), keyColumns.get(k).type());
                            }
                        }
                        index.add(RowKey.wrap(key), MergeOnReadTable.location(f.id(), row));
                    }
                }
            }
        }
        if (row != f.rowCount()) {
            throw new RheiException("data file " + f.id() + " of " + current.table() + " has " + row + " rows but its manifest says "
                    + f.rowCount() + " (" + files.describe() + ")");
        }
    }
}
