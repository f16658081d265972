package io.rhei.core.testing;

import io.rhei.core.RheiException;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.SchemaEvolution;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.TableSink;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test-scope {@link TableSink} that keeps rows in hash maps, obeying the contract exactly: apply is
 * all-or-nothing (copy on write, published in one step), batches at or below the applied sequence are ignored.
 * It cannot run SQL. Other modules' tests use it through the sync-core test jar.
 */
public class ReferenceSink implements TableSink {
    /** One table's published state: never mutated after publication. */
    public record TableData(TableSchema schema, long appliedSeq, Map<RowKey, Row> rows) {
    }

    private final Map<TableId, TableData> tables = new ConcurrentHashMap<>();
    /** Keyless tables: how many copies of each distinct row. */
    private final Map<TableId, Map<RowKey, Integer>> counts = new ConcurrentHashMap<>();
    private long appliedBatches;

    @Override
    public synchronized void ensureTable(TableSchema schema, long seq) {
        TableData current = tables.get(schema.table());
        if (current == null) {
            tables.put(schema.table(), new TableData(schema, seq, Map.of()));
            return;
        }
        if (current.schema().version() >= schema.version()) {
            if (seq > current.appliedSeq()) {
                tables.put(schema.table(), new TableData(current.schema(), seq, current.rows()));
            }
            return;
        }
        SchemaEvolution.between(current.schema(), schema);
        Map<RowKey, Row> rows = new LinkedHashMap<>();
        current.rows().forEach((k, r) -> rows.put(k, SchemaEvolution.project(r, current.schema(), schema)));
        tables.put(schema.table(), new TableData(schema, Math.max(seq, current.appliedSeq()), rows));
    }

    @Override
    public Optional<TableSchema> schema(TableId table) {
        return Optional.ofNullable(tables.get(table)).map(TableData::schema);
    }

    @Override
    public Set<TableId> tables() {
        return new TreeSet<>(tables.keySet());
    }

    @Override
    public synchronized void apply(TableChangeBatch batch) {
        TableId id = batch.schema().table();
        TableData current = tables.get(id);
        if (current == null) {
            throw new IllegalStateException("table " + id + " does not exist");
        }
        if (batch.lastSeq() <= current.appliedSeq()) {
            return;
        }
        if (batch.schema().version() != current.schema().version()) {
            throw new IllegalStateException("batch for " + id + " is in schema version " + batch.schema().version()
                    + " but the table is at " + current.schema().version());
        }
        beforeApply(batch);
        Map<RowKey, Row> rows = batch.truncateFirst() ? new HashMap<>() : new HashMap<>(current.rows());
        Map<RowKey, Integer> copies = batch.truncateFirst() ? new HashMap<>() : new HashMap<>(counts.getOrDefault(id, Map.of()));
        for (RowChange c : batch.changes()) {
            if (!current.schema().hasPrimaryKey()) { // keyless: a multiset of whole rows
                int n = copies.getOrDefault(c.key(), 0) + (c.kind() == RowChange.Kind.INSERT ? 1 : -1);
                if (n < 0) {
                    throw new RheiException("table " + id + " (sequence " + c.seq() + "): delete of a row it does not hold: " + c.key());
                }
                if (n == 0) {
                    copies.remove(c.key());
                    rows.remove(c.key());
                } else {
                    copies.put(c.key(), n);
                    rows.put(c.key(), Row.wrap(c.key().toArray()));
                }
            } else if (c.kind() == RowChange.Kind.DELETE) {
                rows.remove(c.key());
            } else {
                Row row = c.row();
                if (row.hasUnchanged()) {
                    Row stored = rows.get(c.key());
                    if (stored == null) {
                        throw new RheiException("table " + id + " key " + c.key() + " (sequence " + c.seq()
                                + "): columns marked unchanged but no stored row to take them from");
                    }
                    row = row.fillUnchangedFrom(stored);
                }
                rows.put(c.key(), row);
            }
        }
        tables.put(id, new TableData(current.schema(), batch.lastSeq(), rows));
        counts.put(id, copies);
        appliedBatches++;
        afterApply(batch);
    }

    /** Hook for fault injection: throwing here leaves the table untouched. */
    protected void beforeApply(TableChangeBatch batch) {
    }

    /** Hook for fault injection: throwing here leaves the batch applied (a crash after the sink wrote it). */
    protected void afterApply(TableChangeBatch batch) {
    }

    @Override
    public long appliedSeq(TableId table) {
        TableData d = tables.get(table);
        return d == null ? 0 : d.appliedSeq();
    }

    /** Keyless tables: each distinct row and how many copies the table holds. */
    public Map<RowKey, Integer> rowCounts(TableId table) {
        return counts.getOrDefault(table, Map.of());
    }

    public Map<RowKey, Row> rows(TableId table) {
        TableData d = tables.get(table);
        return d == null ? Map.of() : d.rows();
    }

    public synchronized long appliedBatches() {
        return appliedBatches;
    }

    @Override
    public void close() {
    }
}
