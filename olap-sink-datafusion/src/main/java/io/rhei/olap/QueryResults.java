package io.rhei.olap;

import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.util.Text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Turns a streamed result into Java rows: for tests, the CLI and small results (everything is read into memory). */
public final class QueryResults {
    private QueryResults() {
    }

    public record Table(List<String> columns, List<List<Object>> rows) {
    }

    /** A cell as a plain Java value: strings as String, dates as LocalDate, timestamps with zone as Instant. */
    public static Object value(FieldVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        if (v instanceof DateDayVector d) {
            return LocalDate.ofEpochDay(d.get(row));
        }
        if (v instanceof TimeStampMicroTZVector t) {
            return io.rhei.storage.ArrowValues.instant(t.get(row));
        }
        Object o = v.getObject(row);
        return o instanceof Text t ? t.toString() : o;
    }

    /** Reads the whole result and closes the reader. Strings come back as {@link String}. */
    public static Table read(ArrowReader reader) {
        try (reader) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            List<String> columns = root.getSchema().getFields().stream().map(f -> f.getName()).toList();
            List<List<Object>> rows = new ArrayList<>();
            while (reader.loadNextBatch()) {
                for (int r = 0; r < root.getRowCount(); r++) {
                    List<Object> row = new ArrayList<>(columns.size());
                    for (FieldVector v : root.getFieldVectors()) {
                        row.add(value(v, r));
                    }
                    rows.add(row);
                }
            }
            return new Table(columns, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
