package io.rhei.storage;

import dev.vortex.api.DataSource;
import dev.vortex.api.Expression;
import dev.vortex.api.ImmutableScanOptions;
import dev.vortex.api.ScanOptions;
import io.rhei.core.schema.TableSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.roaringbitmap.RoaringBitmap;

import java.util.List;
import java.util.function.Consumer;

/**
 * A data file stored as one immutable Vortex file. Scans push the column projection, the filter and the deletion
 * vector (as excluded rows) into the library. When a retired file's last reader is done, its object is handed to
 * {@code onRetiredFree}, which deletes it after the grace period other processes' readers get.
 */
final class VortexDataFile extends DataFile {
    private final String key;
    private final String uri;
    private final java.util.Map<String, String> options;
    private final Consumer<String> onRetiredFree;
    private volatile DataSource source;

    VortexDataFile(long id, TableSchema schema, int rowCount, String key, String uri, java.util.Map<String, String> options,
                   Consumer<String> onRetiredFree) {
        super(id, schema, rowCount);
        this.key = key;
        this.uri = uri;
        this.options = options;
        this.onRetiredFree = onRetiredFree;
    }

    String key() {
        return key;
    }

    private DataSource source() {
        DataSource s = source;
        if (s == null) {
            s = VortexIO.open(uri, options);
            source = s;
        }
        return s;
    }

    @Override
    BatchStream read(List<String> columns, RoaringBitmap deleted, ScanFilter filter, BufferAllocator allocator) {
        if (columns.isEmpty() && filter instanceof ScanFilter.All) {
            // Only the row count is wanted (count(*)): no need to touch the file.
            VectorSchemaRoot empty = new VectorSchemaRoot(List.of());
            empty.setRowCount(rowCount() - deleted.getCardinality());
            return BatchStream.of(empty);
        }
        ImmutableScanOptions.Builder options = ScanOptions.builder();
        if (!deleted.isEmpty()) {
            long[] rows = new long[deleted.getCardinality()];
            int i = 0;
            for (int r : deleted) {
                rows[i++] = r;
            }
            options.from(ScanOptions.excludeRows(rows));
        }
        options.projection(Expression.select(columns.toArray(new String[0]), Expression.root()));
        VortexFilters.toExpression(filter, schema()).ifPresent(options::filter);
        options.ordered(true);
        return VortexIO.scan(uri, source(), options.build(), allocator);
    }

    @Override
    boolean decodesOnRead() {
        return true;
    }

    @Override
    Object value(int row, int position, BufferAllocator allocator) {
        String column = schema().column(position).name();
        ScanOptions options = ScanOptions.builder().from(ScanOptions.includeRows(row))
                .projection(Expression.select(new String[] {column}, Expression.root())).build();
        try (BatchStream batches = VortexIO.scan(uri, source(), options, allocator)) {
            while (batches.hasNext()) {
                try (VectorSchemaRoot b = batches.next()) {
                    if (b.getRowCount() > 0) {
                        return ArrowValues.get(b.getVector(0), 0, schema().column(position).type());
                    }
                }
            }
        }
        throw new IllegalStateException("row " + row + " of " + uri + " not found (the file has " + rowCount() + " rows)");
    }

    /** All the cells in one scan of the wanted rows (in file order), instead of a scan per cell. */
    @Override
    Object[][] values(int[] rows, int[] positions, BufferAllocator allocator) {
        long[] sorted = java.util.Arrays.stream(rows).asLongStream().sorted().distinct().toArray();
        String[] columns = java.util.Arrays.stream(positions).filter(p -> p >= 0).mapToObj(p -> schema().column(p).name()).toArray(String[]::new);
        Object[][] byRank = new Object[sorted.length][positions.length];
        if (columns.length > 0) {
            ScanOptions options = ScanOptions.builder().from(ScanOptions.includeRows(sorted))
                    .projection(Expression.select(columns, Expression.root())).ordered(true).build();
            int rank = 0;
            try (BatchStream batches = VortexIO.scan(uri, source(), options, allocator)) {
                while (batches.hasNext()) {
                    try (VectorSchemaRoot b = batches.next()) {
                        for (int r = 0; r < b.getRowCount(); r++, rank++) {
                            for (int k = 0, c = 0; k < positions.length; k++) {
                                if (positions[k] >= 0) {
                                    byRank[rank][k] = ArrowValues.get(b.getVector(c++), r, schema().column(positions[k]).type());
                                }
                            }
                        }
                    }
                }
            }
            if (rank != sorted.length) {
                throw new IllegalStateException(rank + " of " + sorted.length + " wanted rows read from " + uri + " (the file has " + rowCount() + " rows)");
            }
        }
        Object[][] out = new Object[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = byRank[java.util.Arrays.binarySearch(sorted, rows[i])];
        }
        return out;
    }

    @Override
    long bytes() {
        return source().byteSize().asOptional().orElse(0);
    }

    @Override
    protected void free(boolean retired) {
        source = null;
        if (retired) {
            onRetiredFree.accept(key);
        }
    }
}
