package io.rhei.testing;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.core.sink.TableSink;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code public.t} table with a column of each type of the model, 20 rows, for parameter and protocol tests.
 * Row i: {@code i2 = i}, {@code i4 = 10 i}, {@code f4 = i/2}, {@code f8 = i/4}, {@code d = 1.25 i}, {@code txt =
 * 'name i'} (NULL every fifth), {@code c = 'c<i mod 3>'} as char(3), {@code b = {i, 7}}, {@code dt = 2024-01-i},
 * {@code ts = 2024-01-01 i:00:00.123456}, {@code tz = 2024-01-01 i:00 UTC}, {@code flag = i even}.
 */
public final class AllTypesTable {
    public static final TableSchema SCHEMA = TableSchema.builder(TableId.parse("public.t")).key("id", ColumnType.INT64)
            .column("i2", ColumnType.INT16).column("i4", ColumnType.INT32).column("f4", ColumnType.FLOAT32).column("f8", ColumnType.FLOAT64)
            .column("d", ColumnType.decimal(12, 2)).column("txt", ColumnType.TEXT).column("c", ColumnType.bpchar(3))
            .column("b", ColumnType.BYTES).column("dt", ColumnType.DATE).column("ts", ColumnType.TIMESTAMP)
            .column("tz", ColumnType.TIMESTAMPTZ).column("flag", ColumnType.BOOLEAN).build();

    private AllTypesTable() {
    }

    public static void load(TableSink sink) {
        sink.ensureTable(SCHEMA, 1);
        List<RowChange> rows = new ArrayList<>();
        for (long i = 1; i <= 20; i++) {
            rows.add(RowChange.upsert(RowKey.of(i), Row.of(i, (short) i, (int) (i * 10), i / 2f, i / 4.0, BigDecimal.valueOf(i * 125, 2),
                    i % 5 == 0 ? null : "name " + i, String.format("%-3s", "c" + (i % 3)), new byte[]{(byte) i, 7},
                    LocalDate.of(2024, 1, (int) i), LocalDateTime.of(2024, 1, 1, 0, 0).plusHours(i).plusNanos(123_456_000),
                    Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i * 3600), i % 2 == 0), i + 1));
        }
        sink.apply(new TableChangeBatch(SCHEMA, false, rows, 2, 21, 20));
    }
}
