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
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code public.orders (id int8, status text, total numeric(12,2))} table for server and client tests: ids
 * 1..n, status {@code paid} for even ids and {@code new} for odd ones, total id/100.
 */
public final class OrdersTable {
    public static final TableSchema SCHEMA = TableSchema.builder(TableId.parse("public.orders")).key("id", ColumnType.INT64)
            .column("status", ColumnType.TEXT).column("total", ColumnType.decimal(12, 2)).build();

    private OrdersTable() {
    }

    /** Creates the table in {@code sink} and applies {@code rows} orders in one batch. */
    public static void load(TableSink sink, int rows) {
        sink.ensureTable(SCHEMA, 1);
        List<RowChange> changes = new ArrayList<>();
        for (long i = 1; i <= rows; i++) {
            changes.add(RowChange.upsert(RowKey.of(i), Row.of(i, i % 2 == 0 ? "paid" : "new", BigDecimal.valueOf(i, 2)), 2));
        }
        sink.apply(new TableChangeBatch(SCHEMA, false, changes, 2, 2, changes.size()));
    }
}
