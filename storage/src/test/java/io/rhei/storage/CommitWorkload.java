package io.rhei.storage;

import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic stream of batches (batch n is the log sequence n) for crash tests: the child applies them, the
 * test computes from the same stream what the table must hold after any applied sequence.
 */
final class CommitWorkload {
    static final TableId TABLE = TableId.parse("crash.accounts");
    static final TableSchema SCHEMA = TableSchema.builder(TABLE).key("id", ColumnType.INT64).column("balance", ColumnType.INT64)
            .column("note", ColumnType.TEXT).build();
    private static final int KEYS = 5_000;

    private CommitWorkload() {
    }

    static TableChangeBatch batch(long n) {
        Random rnd = new Random(n * 7919);
        Map<RowKey, RowChange> changes = new LinkedHashMap<>();
        int size = 50 + rnd.nextInt(300);
        for (int i = 0; i < size; i++) {
            long id = rnd.nextInt(KEYS);
            RowKey key = RowKey.of(id);
            if (rnd.nextInt(8) == 0) {
                changes.put(key, RowChange.delete(key, n));
            } else {
                changes.put(key, RowChange.upsert(key, Row.of(id, n * 1000 + i, "batch " + n), n));
            }
        }
        return new TableChangeBatch(SCHEMA, false, new ArrayList<>(changes.values()), n, n, changes.size());
    }

    /** The table after batches 1..n. */
    static Map<RowKey, Row> expected(long n) {
        Map<RowKey, Row> model = new java.util.HashMap<>();
        for (long b = 1; b <= n; b++) {
            for (RowChange c : batch(b).changes()) {
                if (c.kind() == RowChange.Kind.DELETE) {
                    model.remove(c.key());
                } else {
                    model.put(c.key(), c.row());
                }
            }
        }
        return model;
    }

    static List<String> columns() {
        return List.of("id", "balance", "note");
    }
}
