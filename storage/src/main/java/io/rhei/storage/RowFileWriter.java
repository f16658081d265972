package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.model.Row;
import io.rhei.core.schema.ArrowSchemas;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableChangeBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.List;

/** Writing rows: a batch's new row versions become the Arrow batch of a new data file. */
final class RowFileWriter {
    private RowFileWriter() {
    }

    /**
     * The rows as one Arrow batch in {@code schema}'s columns, handed to {@code store} (which owns it from then on);
     * a NULL in a NOT NULL column or a value the column cannot hold is an error naming the table, column and value.
     */
    static DataFile toArrow(TableSchema schema, List<Row> rows, TableChangeBatch batch, BufferAllocator allocator,
                            java.util.function.Function<VectorSchemaRoot, DataFile> store) {
        VectorSchemaRoot root = VectorSchemaRoot.create(ArrowSchemas.schema(schema), allocator);
        try {
            List<FieldVector> vectors = root.getFieldVectors();
            for (FieldVector v : vectors) {
                v.setInitialCapacity(rows.size());
                v.allocateNew();
            }
            // row by row: each row's values are read once while in cache, and each vector is still written in order
            int columns = schema.columnCount();
            Column[] cols = new Column[columns];
            FieldVector[] out = new FieldVector[columns];
            for (int c = 0; c < columns; c++) {
                cols[c] = schema.column(c);
                out[c] = vectors.get(c);
            }
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                for (int c = 0; c < columns; c++) {
                    Object value = row.get(c);
                    if (value == null && !cols[c].nullable()) {
                        throw new RheiException("table " + schema.table() + " column " + cols[c].name() + " is NOT NULL but the row "
                                + row + " (log sequences " + batch.firstSeq() + ".." + batch.lastSeq() + ") has NULL there");
                    }
                    try {
                        ArrowValues.set(out[c], r, cols[c].type(), value);
                    } catch (ClassCastException | ArithmeticException | RheiException e) {
                        throw new RheiException("table " + schema.table() + " column " + cols[c].name() + " (" + cols[c].type()
                                + ") cannot store value " + value + " (" + value.getClass().getSimpleName() + "): " + e.getMessage(), e);
                    }
                }
            }
            root.setRowCount(rows.size());
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
        return store.apply(root);
    }
}
