package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.SchemaEvolution;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.schema.ArrowSchemas;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A consistent, immutable view of one table: its schema, applied sequence and data files with their deletion
 * vectors, as of one commit. Writers and compaction never change what a snapshot sees. Close it to release the
 * files.
 */
public final class TableSnapshot implements AutoCloseable {
    private final TableSchema schema;
    private final long appliedSeq;
    private final List<Segment> segments;
    private boolean closed;

    TableSnapshot(TableSchema schema, long appliedSeq, List<Segment> segments) {
        this.schema = schema;
        this.appliedSeq = appliedSeq;
        this.segments = segments;
    }

    public TableSchema schema() {
        return schema;
    }

    public long appliedSeq() {
        return appliedSeq;
    }

    public int fileCount() {
        return segments.size();
    }

    public long rowCount() {
        long n = 0;
        for (Segment s : segments) {
            n += s.liveRows();
        }
        return n;
    }

    /** The Arrow schema of a scan of {@code columns} (in that order), in the table's current types. */
    public Schema scanSchema(List<String> columns) {
        List<Field> fields = new ArrayList<>(columns.size());
        for (String c : columns) {
            fields.add(ArrowSchemas.field(column(c)));
        }
        return new Schema(fields);
    }

    private Column column(String name) {
        return schema.column(name).orElseThrow(() -> new RheiException("table " + schema.table() + " has no column " + name));
    }

    /**
     * The live rows, one batch per data file, with only {@code columns} (in that order, in the current schema's
     * types; columns added after a file was written read as NULL). Each batch is allocated from (or transferred
     * to) {@code allocator} and belongs to the caller, who closes it. Files without deletions and in the current
     * types are handed over without copying.
     */
    public Iterator<VectorSchemaRoot> scan(List<String> columns, BufferAllocator allocator) {
        List<Column> wanted = new ArrayList<>(columns.size());
        for (String c : columns) {
            wanted.add(column(c));
        }
        return new Iterator<>() {
            private int next = nextNonEmpty(0);

            private int nextNonEmpty(int from) {
                int i = from;
                while (i < segments.size() && segments.get(i).liveRows() == 0) {
                    i++;
                }
                return i;
            }

            @Override
            public boolean hasNext() {
                return next < segments.size();
            }

            @Override
            public VectorSchemaRoot next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Segment s = segments.get(next);
                next = nextNonEmpty(next + 1);
                return read(s, wanted, allocator);
            }
        };
    }

    static VectorSchemaRoot read(Segment s, List<Column> wanted, BufferAllocator allocator) {
        DataFile f = s.file();
        int live = s.liveRows();
        List<FieldVector> out = new ArrayList<>(wanted.size());
        try {
            for (Column c : wanted) {
                out.add(column(f, s, c, live, allocator));
            }
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
        VectorSchemaRoot root = new VectorSchemaRoot(out);
        root.setRowCount(live);
        return root;
    }

    private static FieldVector column(DataFile f, Segment s, Column c, int live, BufferAllocator allocator) {
        TableSchema fs = f.schema();
        Field field = ArrowSchemas.field(c);
        int pos = fs.position(c.name()).orElse(-1);
        FieldVector target = field.createVector(allocator);
        if (pos < 0) { // added after this file was written
            target.allocateNew();
            for (int i = 0; i < live; i++) {
                target.setNull(i);
            }
            target.setValueCount(live);
            return target;
        }
        FieldVector source = f.root().getVector(pos);
        Column stored = fs.column(pos);
        if (stored.type().equals(c.type())) {
            if (s.deleted().isEmpty()) {
                target.close();
                TransferPair tp = source.getTransferPair(allocator);
                tp.splitAndTransfer(0, f.rowCount());
                return (FieldVector) tp.getTo();
            }
            target.allocateNew();
            int out = 0;
            for (int row = 0; row < f.rowCount(); row++) {
                if (!s.deleted().contains(row)) {
                    target.copyFromSafe(row, out++, source);
                }
            }
            target.setValueCount(out);
            return target;
        }
        // widened since the file was written: convert value by value
        target.allocateNew();
        int out = 0;
        for (int row = 0; row < f.rowCount(); row++) {
            if (!s.deleted().contains(row)) {
                Object v = ArrowValues.get(source, row, stored.type());
                ArrowValues.set(target, out++, c.type(), SchemaEvolution.widen(v, stored.type(), c.type()));
            }
        }
        target.setValueCount(out);
        return target;
    }


    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            for (Segment s : segments) {
                s.file().release();
            }
        }
    }
}
