package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.schema.ColumnType;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/** Moves Rhei's Java column values (see {@link ColumnType}) in and out of Arrow vectors, one cell at a time. */
public final class ArrowValues {
    private ArrowValues() {
    }

    /** Writes {@code value} (null allowed) at {@code index}, growing the vector as needed. */
    public static void set(FieldVector vector, int index, ColumnType type, Object value) {
        if (value == null) {
            vector.setNull(index);
            return;
        }
        switch (type.kind()) {
            case BOOLEAN -> ((BitVector) vector).setSafe(index, (Boolean) value ? 1 : 0);
            case INT16 -> ((SmallIntVector) vector).setSafe(index, ((Number) value).shortValue());
            case INT32 -> ((IntVector) vector).setSafe(index, ((Number) value).intValue());
            case INT64 -> ((BigIntVector) vector).setSafe(index, ((Number) value).longValue());
            case FLOAT32 -> ((Float4Vector) vector).setSafe(index, ((Number) value).floatValue());
            case FLOAT64 -> ((Float8Vector) vector).setSafe(index, ((Number) value).doubleValue());
            case DECIMAL -> {
                BigDecimal d = (BigDecimal) value;
                if (d.scale() != type.scale()) {
                    d = d.setScale(type.scale(), RoundingMode.UNNECESSARY);
                }
                DecimalVector dv = (DecimalVector) vector;
                java.math.BigInteger unscaled = d.unscaledValue();
                if (unscaled.bitLength() < 64 && d.precision() <= dv.getPrecision()) {
                    dv.setSafe(index, unscaled.longValue()); // most values: no byte array, no reversal
                } else {
                    dv.setSafe(index, d);
                }
            }
            case TEXT, JSON -> ((VarCharVector) vector).setSafe(index, ((String) value).getBytes(StandardCharsets.UTF_8));
            case CHAR -> ((VarCharVector) vector).setSafe(index, io.rhei.core.schema.CharValues.padded((String) value, type.precision()).getBytes(StandardCharsets.UTF_8));
            case UUID -> ((VarCharVector) vector).setSafe(index, value.toString().getBytes(StandardCharsets.UTF_8));
            case BYTES -> ((VarBinaryVector) vector).setSafe(index, (byte[]) value);
            case DATE -> ((DateDayVector) vector).setSafe(index, (int) ((LocalDate) value).toEpochDay());
            case TIME -> ((TimeMicroVector) vector).setSafe(index, ((LocalTime) value).toNanoOfDay() / 1000);
            case TIMESTAMP -> ((TimeStampMicroVector) vector).setSafe(index, micros(((LocalDateTime) value).toInstant(ZoneOffset.UTC)));
            case TIMESTAMPTZ -> ((TimeStampMicroTZVector) vector).setSafe(index, micros((Instant) value));
            default -> throw new RheiException("no Arrow writer for " + type);
        }
    }

    /** Reads the cell at {@code index} as Rhei's Java value for {@code type} (null when null). */
    public static Object get(FieldVector vector, int index, ColumnType type) {
        if (vector.isNull(index)) {
            return null;
        }
        return switch (type.kind()) {
            case BOOLEAN -> ((BitVector) vector).get(index) != 0;
            case INT16 -> ((SmallIntVector) vector).get(index);
            case INT32 -> ((IntVector) vector).get(index);
            case INT64 -> ((BigIntVector) vector).get(index);
            case FLOAT32 -> ((Float4Vector) vector).get(index);
            case FLOAT64 -> ((Float8Vector) vector).get(index);
            case DECIMAL -> ((DecimalVector) vector).getObject(index);
            case TEXT, JSON, CHAR -> new String(((VarCharVector) vector).get(index), StandardCharsets.UTF_8);
            case UUID -> java.util.UUID.fromString(new String(((VarCharVector) vector).get(index), StandardCharsets.UTF_8));
            case BYTES -> ((VarBinaryVector) vector).get(index);
            case DATE -> LocalDate.ofEpochDay(((DateDayVector) vector).get(index));
            case TIME -> LocalTime.ofNanoOfDay(((TimeMicroVector) vector).get(index) * 1000);
            case TIMESTAMP -> LocalDateTime.ofInstant(instant(((TimeStampMicroVector) vector).get(index)), ZoneOffset.UTC);
            case TIMESTAMPTZ -> instant(((TimeStampMicroTZVector) vector).get(index));
            default -> throw new RheiException("no Arrow reader for " + type);
        };
    }

    static long micros(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }

    /** Microseconds since the epoch (Arrow's timestamp unit here) as an instant. */
    public static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

}
