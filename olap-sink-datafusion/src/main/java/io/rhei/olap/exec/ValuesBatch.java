package io.rhei.olap.exec;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Constant rows as one Arrow batch, for a native scan of VALUES or of a query without FROM. Values: Boolean,
 * Byte/Short/Integer/Long, Float/Double, BigDecimal (at the column's scale), String, byte[], dates as Integer days
 * and timestamps as Long microseconds since the epoch, null for NULL. The caller owns the batch.
 */
public final class ValuesBatch {
    private ValuesBatch() {
    }

    public static VectorSchemaRoot build(Schema schema, List<List<Object>> rows, BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        try {
            root.allocateNew();
            for (int c = 0; c < schema.getFields().size(); c++) {
                FieldVector v = root.getVector(c);
                for (int r = 0; r < rows.size(); r++) {
                    set(v, r, rows.get(r).get(c));
                }
                v.setValueCount(rows.size());
            }
            root.setRowCount(rows.size());
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private static void set(FieldVector v, int i, Object value) {
        if (value == null) {
            if (!(v instanceof org.apache.arrow.vector.NullVector)) {
                v.setNull(i);
            }
            return;
        }
        if (v instanceof BitVector b) {
            b.setSafe(i, (Boolean) value ? 1 : 0);
        } else if (v instanceof TinyIntVector t) {
            t.setSafe(i, ((Number) value).byteValue());
        } else if (v instanceof SmallIntVector t) {
            t.setSafe(i, ((Number) value).shortValue());
        } else if (v instanceof IntVector t) {
            t.setSafe(i, ((Number) value).intValue());
        } else if (v instanceof BigIntVector t) {
            t.setSafe(i, ((Number) value).longValue());
        } else if (v instanceof Float4Vector t) {
            t.setSafe(i, ((Number) value).floatValue());
        } else if (v instanceof Float8Vector t) {
            t.setSafe(i, ((Number) value).doubleValue());
        } else if (v instanceof DecimalVector t) {
            t.setSafe(i, ((BigDecimal) value).setScale(t.getScale()));
        } else if (v instanceof VarCharVector t) {
            t.setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof VarBinaryVector t) {
            t.setSafe(i, (byte[]) value);
        } else if (v instanceof DateDayVector t) {
            t.setSafe(i, ((Number) value).intValue());
        } else if (v instanceof TimeStampVector t) {
            t.setSafe(i, ((Number) value).longValue());
        } else {
            throw new IllegalArgumentException("no constant of Arrow type " + v.getField().getType() + " in VALUES");
        }
    }
}
