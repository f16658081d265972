package io.rhei.cdc;

import io.rhei.core.log.ChangeLog;
import io.rhei.core.log.LogReader;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The schema version of every captured table as the log knows it. A row whose shape differs from the current
 * version gets a new version (the next number), which the converter writes to the log before the row. Shapes the
 * evolution rules refuse are written too: the sync engine then pauses that table with the reason, rather than
 * anything being dropped here.
 */
final class SchemaTracker {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaTracker.class);
    private final Map<TableId, TableSchema> current = new HashMap<>();

    /** Reads the schema records of the whole log (the last one per table wins). */
    /** The tables the log already holds. */
    java.util.Set<TableId> known() {
        return java.util.Set.copyOf(current.keySet());
    }

    static SchemaTracker recover(ChangeLog log) throws InterruptedException {
        SchemaTracker t = new SchemaTracker();
        long last = log.lastSeq();
        if (last == 0) {
            return t;
        }
        long started = System.nanoTime();
        List<LogRecord> buf = new ArrayList<>(4096);
        try (LogReader reader = log.openReader(1)) {
            while (reader.nextSeq() <= last) {
                buf.clear();
                if (reader.poll(buf, 4096, Duration.ofSeconds(5)) == 0) {
                    break;
                }
                for (LogRecord r : buf) {
                    if (r instanceof SchemaChange sc) {
                        t.current.put(sc.table(), sc.schema());
                    }
                }
            }
        }
        LOG.info("recovered schemas of {} tables from the change log (sequences up to {}) in {} ms", t.current.size(), last,
                (System.nanoTime() - started) / 1_000_000);
        return t;
    }

    /** The current schema of a table, if the log has one. */
    java.util.Optional<TableSchema> current(TableId table) {
        return java.util.Optional.ofNullable(current.get(table));
    }

    /** The schema for a row of this shape: the current one, or a new version when the shape changed (then {@code isNew}). */
    Resolved resolve(TableId table, List<Column> columns, List<String> primaryKey) {
        TableSchema cur = current.get(table);
        if (cur != null && cur.columns().equals(columns) && cur.primaryKey().equals(primaryKey)) {
            return new Resolved(cur, false);
        }
        TableSchema next = new TableSchema(table, cur == null ? 1 : cur.version() + 1, columns, primaryKey);
        current.put(table, next);
        if (cur == null) {
            LOG.info("capturing {} (schema version 1): {}", table, next);
            // a table without primary key is warned about once, with both fixes, by the preflight (PostgresPreflight)
        } else {
            LOG.info("schema of {} changed: version {} -> {}: {}", table, cur.version(), next.version(), next);
        }
        return new Resolved(next, true);
    }

    record Resolved(TableSchema schema, boolean isNew) {
    }
}
