package io.rhei.storage;

import io.rhei.core.schema.TableSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;

/**
 * A data file held as one Arrow batch in memory. Reads without deletions hand the buffers over without copying; a read
 * whose filter no row can satisfy ({@link ZoneMap}) returns nothing.
 */
final class ArrowDataFile extends DataFile {
    private final VectorSchemaRoot root;
    private final ZoneMap zoneMap;

    /** Takes ownership of {@code root}. */
    ArrowDataFile(long id, TableSchema schema, VectorSchemaRoot root) {
        super(id, schema, root.getRowCount());
        this.root = root;
        this.zoneMap = new ZoneMap(root);
    }

    @Override
    BatchStream read(List<String> columns, RoaringBitmap deleted, ScanFilter filter, BufferAllocator allocator) {
        if (!mayMatch(filter)) {
            return BatchStream.empty();
        }
        List<FieldVector> out = new ArrayList<>(columns.size());
        int live = rowCount() - deleted.getCardinality();
        try {
            for (String name : columns) {
                FieldVector source = root.getVector(name);
                if (deleted.isEmpty()) {
                    TransferPair tp = source.getTransferPair(allocator);
                    tp.splitAndTransfer(0, rowCount());
                    out.add((FieldVector) tp.getTo());
                } else {
                    FieldVector target = source.getField().createVector(allocator);
                    out.add(target);
                    target.setInitialCapacity(live);
                    target.allocateNew();
                    int o = 0;
                    for (int row = 0; row < rowCount(); row++) {
                        if (!deleted.contains(row)) {
                            target.copyFromSafe(row, o++, source);
                        }
                    }
                    target.setValueCount(o);
                }
            }
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
        VectorSchemaRoot batch = new VectorSchemaRoot(out);
        batch.setRowCount(live);
        return BatchStream.of(batch);
    }

    @Override
    boolean mayMatch(ScanFilter filter) {
        return zoneMap.mayMatch(filter);
    }

    @Override
    Object value(int row, int position, BufferAllocator allocator) {
        return ArrowValues.get(root.getVector(position), row, schema().column(position).type());
    }

    @Override
    long bytes() {
        long b = 0;
        for (FieldVector v : root.getFieldVectors()) {
            b += v.getBufferSize();
        }
        return b;
    }

    @Override
    protected void free(boolean retired) {
        root.close();
    }
}
