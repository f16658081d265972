package io.rhei.storage;

import dev.vortex.api.DataSource;
import dev.vortex.api.Partition;
import dev.vortex.api.Scan;
import dev.vortex.api.ScanOptions;
import dev.vortex.api.Session;
import dev.vortex.jni.NativeRuntime;
import dev.vortex.jni.NativeWriter;
import io.rhei.storage.objectstore.ObjectStoreException;
import org.apache.arrow.c.ArrowArray;
import org.apache.arrow.c.ArrowSchema;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.util.TransferPair;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The calls into {@code dev.vortex:vortex-jni}, kept in one place because of how the library behaves:
 * <ul>
 *   <li>One {@link Session} per process: each session costs native memory that is never returned.</li>
 *   <li>Files are written through {@link NativeWriter} directly, not {@code VortexWriter}, which never releases the
 *       Arrow schema it exports: here every exported schema is released, so a strict allocator closes empty.</li>
 *   <li>A writer on an existing path silently replaces it, and a session caches file metadata by path: callers
 *       never reuse a file name (Rhei names data files by UUID).</li>
 *   <li>Errors arrive late and vague (a wrong literal type fails at the first batch): every call is wrapped with
 *       the file it was about.</li>
 * </ul>
 */
public final class VortexIO {
    private static volatile Session session;

    private VortexIO() {
    }

    public static Session session() {
        Session s = session;
        if (s == null) {
            synchronized (VortexIO.class) {
                s = session;
                if (s == null) {
                    // The default runtime has no worker threads of its own and writes noticeably slower.
                    NativeRuntime.setWorkerThreads(Math.max(2, Runtime.getRuntime().availableProcessors()));
                    s = Session.create();
                    session = s;
                }
            }
        }
        return s;
    }

    /** Writes {@code root} as one Vortex file at {@code uri} (which must not exist yet). */
    public static void write(String uri, Map<String, String> options, VectorSchemaRoot root, BufferAllocator allocator) {
        long writer;
        try (ArrowSchema schema = ArrowSchema.allocateNew(allocator)) {
            Data.exportSchema(allocator, root.getSchema(), null, schema);
            try {
                writer = NativeWriter.create(session().nativePointer(), uri, schema.memoryAddress(), options);
            } finally {
                schema.release();
            }
        } catch (RuntimeException e) {
            throw new ObjectStoreException("cannot create Vortex file " + uri + ": " + e.getMessage(), e);
        }
        if (writer <= 0) {
            throw new ObjectStoreException("cannot create Vortex file " + uri);
        }
        boolean ok = false;
        try {
            if (root.getRowCount() > 0) {
                try (ArrowArray array = ArrowArray.allocateNew(allocator); ArrowSchema schema = ArrowSchema.allocateNew(allocator)) {
                    Data.exportVectorSchemaRoot(allocator, root, null, array, schema);
                    try {
                        if (!NativeWriter.writeBatch(writer, array.memoryAddress(), schema.memoryAddress())) {
                            throw new ObjectStoreException("writing Vortex file " + uri + " failed");
                        }
                    } finally {
                        schema.release(); // the library borrows the schema and never releases it
                    }
                }
            }
            ok = true;
        } catch (RuntimeException e) {
            throw e instanceof ObjectStoreException ? e : new ObjectStoreException("writing Vortex file " + uri + " failed: " + e.getMessage(), e);
        } finally {
            try {
                NativeWriter.close(writer);
            } catch (RuntimeException e) {
                if (ok) {
                    throw new ObjectStoreException("finishing Vortex file " + uri + " failed: " + e.getMessage(), e);
                }
            }
        }
    }

    public static DataSource open(String uri, Map<String, String> options) {
        try {
            return DataSource.open(session(), uri, options);
        } catch (RuntimeException e) {
            throw new ObjectStoreException("cannot open Vortex file " + uri + ": " + e.getMessage(), e);
        }
    }

    /** The batches of one scan, moved out of the library's reader into batches the caller owns. */
    public static BatchStream scan(String uri, DataSource source, ScanOptions options, BufferAllocator allocator) {
        Scan scan;
        try {
            scan = source.scan(options);
        } catch (RuntimeException e) {
            throw new ObjectStoreException("cannot scan Vortex file " + uri + ": " + e.getMessage(), e);
        }
        return new BatchStream() {
            private ArrowReader reader;
            private VectorSchemaRoot pending;
            private boolean done;

            @Override
            public boolean hasNext() {
                try {
                    while (pending == null && !done) {
                        if (reader != null && reader.loadNextBatch()) {
                            pending = take(reader.getVectorSchemaRoot(), allocator);
                        } else {
                            closeReader();
                            if (scan.hasNext()) {
                                Partition p = scan.next();
                                reader = p.scanArrow(allocator);
                            } else {
                                done = true;
                            }
                        }
                    }
                    return pending != null;
                } catch (IOException | RuntimeException e) {
                    close();
                    throw new ObjectStoreException("reading Vortex file " + uri + " failed: " + e.getMessage(), e);
                }
            }

            @Override
            public VectorSchemaRoot next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                VectorSchemaRoot r = pending;
                pending = null;
                return r;
            }

            private void closeReader() throws IOException {
                if (reader != null) {
                    ArrowReader r = reader;
                    reader = null;
                    r.close();
                }
            }

            @Override
            public void close() {
                done = true;
                if (pending != null) {
                    pending.close();
                    pending = null;
                }
                try {
                    closeReader();
                } catch (IOException e) {
                    throw new ObjectStoreException("closing a reader of Vortex file " + uri + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** Moves the reader's current batch into a batch of our own (the reader reuses its vectors). */
    private static VectorSchemaRoot take(VectorSchemaRoot from, BufferAllocator allocator) {
        List<FieldVector> vectors = new ArrayList<>(from.getFieldVectors().size());
        for (FieldVector v : from.getFieldVectors()) {
            TransferPair tp = v.getTransferPair(allocator);
            tp.transfer();
            vectors.add((FieldVector) tp.getTo());
        }
        VectorSchemaRoot out = new VectorSchemaRoot(vectors);
        out.setRowCount(from.getRowCount());
        return out;
    }

}
