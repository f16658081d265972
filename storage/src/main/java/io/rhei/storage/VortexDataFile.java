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
