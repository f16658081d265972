package io.rhei.server;

import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.TimeStampNanoTZVector;
import org.apache.arrow.vector.TimeStampSecTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A row of a Flight SQL parameter batch as the engine takes parameter values: Java values of their types (text
 * as String, dates as LocalDate, timestamps with a zone as Instant, without as LocalDateTime).
 */
final class ArrowParameters {
    private ArrowParameters() {
    }

    static List<Object> row(VectorSchemaRoot root, int row) {
        List<Object> values = new ArrayList<>(root.getFieldVectors().size());
        for (FieldVector v : root.getFieldVectors()) {
            values.add(value(v, row));
        }
        return values;
    }

    static Object value(FieldVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        if (v instanceof DateDayVector d) {
            return LocalDate.ofEpochDay(d.get(row));
        }
        if (v instanceof DateMilliVector d) {
            return LocalDate.ofEpochDay(Math.floorDiv(d.get(row), 86_400_000L));
        }
        if (v instanceof TimeStampSecTZVector t) {
            return Instant.ofEpochSecond(t.get(row));
        }
        if (v instanceof TimeStampMilliTZVector t) {
            return Instant.ofEpochMilli(t.get(row));
        }
        if (v instanceof TimeStampMicroTZVector t) {
            return Instant.EPOCH.plus(t.get(row), java.time.temporal.ChronoUnit.MICROS);
        }
        if (v instanceof TimeStampNanoTZVector t) {
            return Instant.EPOCH.plusNanos(t.get(row));
        }
        Object o = v.getObject(row);
        return o instanceof Text t ? t.toString() : o;
    }
}
