package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.schema.ArrowSchemas;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.SchemaEvolution;
import io.rhei.core.schema.TableSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
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
    private final List<BatchStream> openScans = new ArrayList<>();
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

    /**
     * The live rows of the files a scan with {@code filter} reads: files no row of which can satisfy it are skipped
     * (in memory, by their ranges of values, {@link ZoneMap}); every file counts where that is not known.
     */
    public long rowsToRead(ScanFilter filter) {
        long n = 0;
        for (Segment s : segments) {
            n += s.file().mayMatch(filter) ? s.liveRows() : 0;
        }
        return n;
    }

    /** Bytes of the live files (memory, or where they are stored). */
    public long bytes() {
        long n = 0;
        for (Segment s : segments) {
            n += s.file().bytes();
        }
        return n;
    }

    /** Rows and deleted rows of each file, for logs and tests. */
    public String describeFiles() {
        StringBuilder b = new StringBuilder("[");
        for (Segment s : segments) {
            b.append(b.length() > 1 ? ", " : "").append(s.file().rowCount()).append('-').append(s.deleted().getCardinality());
        }
        return b.append(']').toString();
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

    public BatchStream scan(List<String> columns, BufferAllocator allocator) {
        return scan(columns, ScanFilter.ALL, allocator);
    }

    /**
     * The live rows with only {@code columns} (in that order, in the current schema's types; columns added after a
     * file was written read as NULL), batch by batch. Each batch is allocated from (or transferred to)
     * {@code allocator} and belongs to the caller, who closes it. {@code filter} is pushed into the files where
     * they can evaluate it; rows it rejects may still be returned. Closing the snapshot closes its open scans.
     */
    public synchronized BatchStream scan(List<String> columns, ScanFilter filter, BufferAllocator allocator) {
        return open(new FileReader(wanted(columns), filter, allocator, new java.util.concurrent.atomic.AtomicInteger()));
    }

    /**
     * Readers that share one scan, one reader per thread: each takes the next unread file when it needs one, so
     * files that decode as they are read (Vortex) decode on several threads at once. Together the readers return
     * the rows of {@link #scan}, each file's rows to one reader; each reader is closed by its user (or with the
     * snapshot).
     */
    public java.util.function.Supplier<BatchStream> scanByFile(List<String> columns, ScanFilter filter, BufferAllocator allocator) {
        List<Column> wanted = wanted(columns);
        java.util.concurrent.atomic.AtomicInteger nextFile = new java.util.concurrent.atomic.AtomicInteger();
        return () -> open(new FileReader(wanted, filter, allocator, nextFile));
    }

    /** Whether reading a file costs its decoding (files on disk or object storage), not just handing batches over. */
    public boolean decodesOnRead() {
        for (Segment s : segments) {
            if (s.file().decodesOnRead()) {
                return true;
            }
        }
        return false;
    }

    private synchronized BatchStream open(BatchStream scan) {
        if (closed) {
            scan.close();
            throw new IllegalStateException("snapshot of " + schema.table() + " is closed");
        }
        openScans.add(scan);
        return scan;
    }

    private List<Column> wanted(List<String> columns) {
        List<Column> wanted = new ArrayList<>(columns.size());
        for (String c : columns) {
            wanted.add(column(c));
        }
        return wanted;
    }

    /** Live rows file by file, taking the next file from a cursor that other readers may share. */
    private final class FileReader implements BatchStream {
        private final List<Column> wanted;
        private final ScanFilter filter;
        private final BufferAllocator allocator;
        private final java.util.concurrent.atomic.AtomicInteger nextFile;
        private BatchStream current;
        private boolean done;

        FileReader(List<Column> wanted, ScanFilter filter, BufferAllocator allocator, java.util.concurrent.atomic.AtomicInteger nextFile) {
            this.wanted = wanted;
            this.filter = filter;
            this.allocator = allocator;
            this.nextFile = nextFile;
        }

        @Override
        public boolean hasNext() {
            while (!done && (current == null || !current.hasNext())) {
                if (current != null) {
                    current.close();
                    current = null;
                }
                int next = nextFile.getAndIncrement();
                while (next < segments.size() && segments.get(next).liveRows() == 0) {
                    next = nextFile.getAndIncrement();
                }
                if (next >= segments.size()) {
                    done = true;
                } else {
                    current = read(segments.get(next), wanted, filter, allocator);
                }
            }
            return !done;
        }

        @Override
        public VectorSchemaRoot next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
                current = null;
            }
            done = true;
        }
    }

    /** One file's live rows as {@code wanted} columns in the current types. */
    static BatchStream read(Segment s, List<Column> wanted, ScanFilter filter, BufferAllocator allocator) {
        TableSchema fs = s.file().schema();
        List<String> stored = new ArrayList<>();
        for (Column c : wanted) {
            if (fs.position(c.name()).isPresent() && !stored.contains(c.name())) {
                stored.add(c.name());
            }
        }
        // terms on columns this file does not have are left out by the file itself (VortexFilters)
        BatchStream raw = s.file().read(stored, s.deleted(), filter, allocator);
        return new BatchStream() {
            @Override
            public boolean hasNext() {
                return raw.hasNext();
            }

            @Override
            public VectorSchemaRoot next() {
                try (VectorSchemaRoot batch = raw.next()) {
                    return adapt(batch, stored, fs, wanted, allocator);
                }
            }

            @Override
            public void close() {
                raw.close();
            }
        };
    }

    /** Turns a batch of stored columns into the wanted columns: moved over when the type is unchanged. */
    private static VectorSchemaRoot adapt(VectorSchemaRoot batch, List<String> stored, TableSchema fs, List<Column> wanted,
                                          BufferAllocator allocator) {
        int rows = batch.getRowCount();
        List<FieldVector> out = new ArrayList<>(wanted.size());
        boolean[] moved = new boolean[stored.size()];
        try {
            for (Column c : wanted) {
                int pos = stored.indexOf(c.name());
                FieldVector source = pos < 0 ? null : batch.getVector(pos);
                if (pos >= 0 && moved[pos]) { // the same column asked for twice: copy the first
                    source = out.get(wanted.indexOf(c));
                }
                FieldVector v = column(source, pos >= 0 && !moved[pos], fs, c, rows, allocator);
                if (pos >= 0) {
                    moved[pos] = true;
                }
                out.add(v);
            }
        } catch (RuntimeException e) {
            out.forEach(FieldVector::close);
            throw e;
        }
        VectorSchemaRoot root = new VectorSchemaRoot(out);
        root.setRowCount(rows);
        return root;
    }

    private static FieldVector column(FieldVector source, boolean mayMove, TableSchema fs, Column c, int rows,
                                      BufferAllocator allocator) {
        FieldVector target = ArrowSchemas.field(c).createVector(allocator);
        try {
            target.setInitialCapacity(rows);
            if (source == null) { // added after this file was written
                target.allocateNew();
                for (int i = 0; i < rows; i++) {
                    target.setNull(i);
                }
                target.setValueCount(rows);
                return target;
            }
            Column storedColumn = fs.column(c.name()).orElseThrow();
            if (storedColumn.type().equals(c.type())) {
                if (mayMove) {
                    source.makeTransferPair(target).transfer();
                    return target;
                }
                target.allocateNew();
                for (int r = 0; r < rows; r++) {
                    target.copyFromSafe(r, r, source);
                }
                target.setValueCount(rows);
                return target;
            }
            // widened since the file was written: convert value by value
            target.allocateNew();
            for (int r = 0; r < rows; r++) {
                Object v = ArrowValues.get(source, r, storedColumn.type());
                ArrowValues.set(target, r, c.type(), SchemaEvolution.widen(v, storedColumn.type(), c.type()));
            }
            target.setValueCount(rows);
            return target;
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            openScans.forEach(BatchStream::close);
            openScans.clear();
            for (Segment s : segments) {
                s.file().release();
            }
        }
    }
}
