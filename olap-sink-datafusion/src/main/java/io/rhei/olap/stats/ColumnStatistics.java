package io.rhei.olap.stats;

import io.rhei.core.model.TableId;
import io.rhei.storage.BatchStream;
import io.rhei.storage.TableSnapshot;
import io.rhei.storage.TableStorage;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Column statistics for the planner's estimates (join order, hash-join build sides, filter selectivity), counted from
 * the table itself the first time a query needs them and counted again once the table's row count has moved by more
 * than a tenth. Reading a column costs one scan of it (tens of milliseconds per million rows in memory); at most
 * {@code maxRows} rows are read, and a count over a part of a large table is scaled up when the part looked unique.
 * Estimates only: a stale or scaled count changes how fast a query runs, never its result.
 */
public final class ColumnStatistics {
    private static final Logger LOG = LoggerFactory.getLogger(ColumnStatistics.class);
    private final TableStorage storage;
    private final long maxRows;
    private final Map<Key, Counted> cache = new ConcurrentHashMap<>();

    private record Key(TableId table, String column) {
    }

    private record Counted(ColumnStats stats, int schemaVersion) {
    }

    public ColumnStatistics(TableStorage storage, long maxRows) {
        this.storage = storage;
        this.maxRows = maxRows;
    }

    public ColumnStatistics(TableStorage storage) {
        this(storage, 10_000_000);
    }

    /**
     * The share of {@code table}'s live rows a scan with {@code filter} reads now: all of them but the files it skips
     * ({@link TableSnapshot#rowsToRead}). 1 when the table is empty or cannot be read.
     */
    public double shareRead(TableId table, io.rhei.storage.ScanFilter filter) {
        try (TableSnapshot snapshot = storage.snapshot(table)) {
            long all = snapshot.rowCount();
            return all == 0 ? 1 : (double) snapshot.rowsToRead(filter) / all;
        } catch (RuntimeException e) {
            LOG.debug("no file ranges for {}: {}", table, e.toString());
            return 1;
        }
    }

    /**
     * Statistics of {@code column} of {@code table} as it is now, counted with buffers from {@code allocator} (which
     * must share the storage's root) when they are not known yet; with a null allocator only what is known already.
     * Empty when the table or column is gone or could not be read.
     */
    public Optional<ColumnStats> of(TableId table, String column, BufferAllocator allocator) {
        Key key = new Key(table, column);
        try (TableSnapshot snapshot = storage.snapshot(table)) {
            if (snapshot.schema().column(column).isEmpty()) {
                return Optional.empty();
            }
            long rows = snapshot.rowCount();
            Counted known = cache.get(key);
            if (known != null && known.schemaVersion == snapshot.schema().version() && !movedMuch(known.stats.rows(), rows)) {
                return Optional.of(known.stats);
            }
            if (allocator == null) {
                return Optional.ofNullable(known).map(Counted::stats);
            }
            long t0 = System.nanoTime();
            ColumnStats counted = count(snapshot, column, rows, allocator);
            cache.put(key, new Counted(counted, snapshot.schema().version()));
            LOG.debug("statistics of {}.{} over {} rows in {} ms: {}", table, column, rows, (System.nanoTime() - t0) / 1_000_000, counted);
            return Optional.of(counted);
        } catch (RuntimeException e) {
            // statistics are an optimisation: a table that cannot be read now plans with default estimates
            LOG.debug("no statistics for {}.{}: {}", table, column, e.toString());
            return Optional.empty();
        }
    }

    private static boolean movedMuch(long then, long now) {
        return Math.abs(now - then) > Math.max(1000, then / 10);
    }

    private ColumnStats count(TableSnapshot snapshot, String column, long tableRows, BufferAllocator parent) {
        DistinctCounter distinct = new DistinctCounter();
        long read = 0;
        long nulls = 0;
        double[] range = {Double.NaN, Double.NaN};
        try (BufferAllocator allocator = parent.newChildAllocator("statistics", 0, Long.MAX_VALUE);
             BatchStream batches = snapshot.scan(List.of(column), allocator)) {
            while (batches.hasNext() && read < maxRows) {
                try (VectorSchemaRoot batch = batches.next()) {
                    FieldVector v = batch.getVector(0);
                    nulls += add(v, batch.getRowCount(), distinct, range);
                    read += batch.getRowCount();
                }
            }
        }
        long d = distinct.estimate();
        long nonNull = read - nulls;
        d = Math.min(d, nonNull);
        if (read < tableRows && read > 0) {
            // a part of the table was read: a column that looked (nearly) unique stays so, others keep their count
            double scale = (double) tableRows / read;
            if (d >= 0.9 * nonNull) {
                d = Math.round(d * scale);
            }
            nulls = Math.round(nulls * scale);
        }
        return new ColumnStats(tableRows, d, nulls, range[0], range[1]);
    }

    /** Adds the batch's values to the counter and the range; returns its number of NULLs. */
    private static long add(FieldVector v, int rows, DistinctCounter distinct, double[] range) {
        long nulls = 0;
        if (v instanceof BitVector bits) {
            for (int i = 0; i < rows; i++) {
                if (bits.isNull(i)) {
                    nulls++;
                } else {
                    distinct.addHash(DistinctCounter.hashLong(bits.get(i)));
                }
            }
            return nulls;
        }
        if (v instanceof DecimalVector dec) {
            ArrowBuf data = dec.getDataBuffer();
            double unit = Math.pow(10, -dec.getScale());
            for (int i = 0; i < rows; i++) {
                if (dec.isNull(i)) {
                    nulls++;
                    continue;
                }
                long low = data.getLong(16L * i);
                long high = data.getLong(16L * i + 8);
                distinct.addHash(DistinctCounter.hashLong(low ^ DistinctCounter.hashLong(high)));
                double value = high == (low >> 63) ? low * unit : dec.getObject(i).doubleValue();
                widen(range, value);
            }
            return nulls;
        }
        if (v instanceof BaseFixedWidthVector fixed && fixed.getTypeWidth() <= 8) {
            ArrowBuf data = fixed.getDataBuffer();
            int width = fixed.getTypeWidth();
            boolean floating = v instanceof Float4Vector || v instanceof Float8Vector;
            for (int i = 0; i < rows; i++) {
                if (fixed.isNull(i)) {
                    nulls++;
                    continue;
                }
                long bits = switch (width) {
                    case 1 -> data.getByte(i);
                    case 2 -> data.getShort(2L * i);
                    case 4 -> data.getInt(4L * i);
                    default -> data.getLong(8L * i);
                };
                distinct.addHash(DistinctCounter.hashLong(bits));
                double value = !floating ? bits : width == 4 ? Float.intBitsToFloat((int) bits) : Double.longBitsToDouble(bits);
                widen(range, value);
            }
            return nulls;
        }
        if (v instanceof BaseVariableWidthVector var) {
            ArrowBuf offsets = var.getOffsetBuffer();
            ArrowBuf data = var.getDataBuffer();
            DistinctCounter.ByteSource bytes = new DistinctCounter.ByteSource() {
                @Override
                public long getLong(long offset) {
                    return data.getLong(offset);
                }

                @Override
                public byte getByte(long offset) {
                    return data.getByte(offset);
                }
            };
            for (int i = 0; i < rows; i++) {
                if (var.isNull(i)) {
                    nulls++;
                    continue;
                }
                int start = offsets.getInt(4L * i);
                int end = offsets.getInt(4L * (i + 1));
                distinct.addHash(DistinctCounter.hashBytes(bytes, start, end - start));
            }
            return nulls;
        }
        for (int i = 0; i < rows; i++) {
            Object o = v.getObject(i);
            if (o == null) {
                nulls++;
            } else {
                distinct.addHash(DistinctCounter.hashLong(o.hashCode()));
            }
        }
        return nulls;
    }

    private static void widen(double[] range, double value) {
        if (Double.isNaN(range[0]) || value < range[0]) {
            range[0] = value;
        }
        if (Double.isNaN(range[1]) || value > range[1]) {
            range[1] = value;
        }
    }
}
