package io.rhei.storage;

import io.rhei.core.model.RowKey;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.SchemaEvolution;
import io.rhei.core.schema.TableSchema;
import org.apache.arrow.memory.BufferAllocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The primary key stored at locations of a table's current files, in the key columns' current types: what
 * {@link FingerprintKeyIndex} checks a fingerprint's entry against. One read per data file for all its locations.
 */
final class StoredKeyReader implements FingerprintKeyIndex.StoredKeys {
    private final Supplier<MergeOnReadTable.State> state;
    private final BufferAllocator allocator;

    StoredKeyReader(Supplier<MergeOnReadTable.State> state, BufferAllocator allocator) {
        this.state = state;
        this.allocator = allocator;
    }

    @Override
    public RowKey[] at(long[] locations) {
        MergeOnReadTable.State s = state.get();
        TableSchema current = s.schema();
        List<Column> keyColumns = current.primaryKey().stream().map(k -> current.column(k).orElseThrow()).toList();
        Map<Long, List<Integer>> byFile = new HashMap<>();
        for (int i = 0; i < locations.length; i++) {
            byFile.computeIfAbsent(locations[i] >>> 32, f -> new ArrayList<>()).add(i);
        }
        RowKey[] keys = new RowKey[locations.length];
        byFile.forEach((fileId, which) -> {
            DataFile f = file(s, fileId);
            TableSchema fs = f.schema();
            int[] positions = keyColumns.stream().mapToInt(c -> fs.position(c.name()).orElse(-1)).toArray();
            int[] rows = which.stream().mapToInt(i -> (int) locations[i]).toArray();
            Object[][] values = f.values(rows, positions, allocator);
            for (int j = 0; j < rows.length; j++) {
                Object[] key = new Object[positions.length];
                for (int k = 0; k < key.length; k++) {
                    if (positions[k] >= 0) {
                        key[k] = SchemaEvolution.widen(values[j][k], fs.column(positions[k]).type(), keyColumns.get(k).type());
                    }
                }
                keys[which.get(j)] = RowKey.wrap(key);
            }
        });
        return keys;
    }

    private static DataFile file(MergeOnReadTable.State s, long id) {
        for (Segment seg : s.segments()) {
            if (seg.file().id() == id) {
                return seg.file();
            }
        }
        throw new IllegalStateException("key index points at data file " + id + ", which " + s.schema().table() + " no longer has ("
                + Arrays.toString(s.segments().stream().mapToLong(seg -> seg.file().id()).toArray()) + ")");
    }
}
