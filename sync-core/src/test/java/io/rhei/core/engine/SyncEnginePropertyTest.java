package io.rhei.core.engine;

import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.core.model.ChangeEvent;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.Operation;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.model.TableId;
import io.rhei.core.model.Unchanged;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.testing.ReferenceSink;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random workloads through the real log and the engine, in random batch sizes and with random engine restarts,
 * must leave the sink exactly where a naive row-by-row model ends; replaying the whole log again changes nothing.
 */
class SyncEnginePropertyTest {
    private static final List<TableId> TABLES = List.of(TableId.parse("public.a"), TableId.parse("shop.b"));

    /** kind: 0-39 upsert, 40-59 update, 60-79 delete, 80-93 TOAST update, 94-96 truncate, 97-99 add column. */
    record Op(int kind, int table, long key, int seed) {
    }

    @Provide
    Arbitrary<List<Op>> workloads() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 1),
                Arbitraries.longs().between(0, 15), Arbitraries.integers().between(0, 1_000_000)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(400);
    }

    @Property(tries = 200)
    void engineStateEqualsNaiveModel(@ForAll("workloads") List<Op> ops, @ForAll @IntRange(min = 1, max = 64) int batchEvents,
                                     @ForAll @Size(max = 4) List<@IntRange(min = 1, max = 500) Integer> restartPoints)
            throws Exception {
        Path dir = Files.createTempDirectory("rhei-prop");
        try {
            Workload w = new Workload();
            List<LogRecord> records = w.generate(ops);
            ChronicleLogConfig cfg = ChronicleLogConfig.defaults(dir).withFsync(ChronicleLogConfig.FsyncPolicy.NONE).withMinFreeBytes(0);
            ReferenceSink sink = new ReferenceSink();
            SyncEngineConfig ec = SyncEngineConfig.defaults().withMaxBatchEvents(batchEvents);
            try (ChronicleChangeLog log = ChronicleChangeLog.open(cfg)) {
                // Append in chunks and run engines in between, each one a restart from the sink's applied sequences.
                List<Integer> cuts = new ArrayList<>(restartPoints.stream().map(p -> Math.min(p, records.size())).sorted().toList());
                cuts.add(records.size());
                int from = 0;
                for (int cut : cuts) {
                    if (cut > from) {
                        log.append(records.subList(from, cut));
                        from = cut;
                    }
                    SyncEngine.builder(log, sink).config(ec).build().runUntil(Long.MAX_VALUE);
                }
                w.assertSinkEquals(sink);

                Map<TableId, Map<RowKey, Row>> before = snapshot(sink);
                SyncEngine replay = SyncEngine.builder(log, sink).config(ec).replayFrom(1).build();
                replay.runUntil(Long.MAX_VALUE);
                assertEquals(before, snapshot(sink), "replaying the whole log changed the sink");
                assertEquals(0, replay.metrics().eventsApplied(), "replay applied events that were already applied");
                assertEquals(log.lastSeq(), replay.metrics().eventsSkipped());
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static Map<TableId, Map<RowKey, Row>> snapshot(ReferenceSink sink) {
        Map<TableId, Map<RowKey, Row>> out = new HashMap<>();
        for (TableId t : sink.tables()) {
            out.put(t, Map.copyOf(sink.rows(t)));
        }
        return out;
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Turns ops into log records while keeping the naive model: one map of rows per table. */
    static final class Workload {
        final Map<TableId, TableSchema> schemas = new HashMap<>();
        final Map<TableId, Map<RowKey, Row>> model = new HashMap<>();
        long lsn;

        List<LogRecord> generate(List<Op> ops) {
            List<LogRecord> out = new ArrayList<>();
            for (TableId t : TABLES) {
                TableSchema s = TableSchema.builder(t).key("id", ColumnType.INT64).column("title", ColumnType.TEXT)
                        .column("body", ColumnType.TEXT).build();
                schemas.put(t, s);
                model.put(t, new HashMap<>());
                out.add(SchemaChange.of(s, pos()));
            }
            for (Op op : ops) {
                TableId t = TABLES.get(op.table());
                TableSchema s = schemas.get(t);
                Map<RowKey, Row> rows = model.get(t);
                RowKey key = RowKey.of(op.key());
                boolean exists = rows.containsKey(key);
                int k = op.kind();
                if (k < 40 || (k < 60 && !exists) || (k >= 80 && k < 94 && !exists)) {
                    Row row = row(s, op.key(), op.seed(), false);
                    rows.put(key, row);
                    out.add(ChangeEvent.upsert(exists ? Operation.UPDATE : Operation.INSERT, t, s.version(), key, row, pos(), 1, 1));
                } else if (k < 60) {
                    Row row = row(s, op.key(), op.seed(), false);
                    rows.put(key, row);
                    out.add(ChangeEvent.upsert(Operation.UPDATE, t, s.version(), key, row, pos(), 1, 1));
                } else if (k < 80) {
                    rows.remove(key);
                    out.add(ChangeEvent.delete(t, s.version(), key, null, pos(), 1, 1));
                } else if (k < 94) {
                    Row sent = row(s, op.key(), op.seed(), true);
                    rows.put(key, sent.fillUnchangedFrom(rows.get(key)));
                    out.add(ChangeEvent.upsert(Operation.UPDATE, t, s.version(), key, sent, pos(), 1, 1));
                } else if (k < 97) {
                    rows.clear();
                    out.add(ChangeEvent.truncate(t, s.version(), pos(), 1, 1));
                } else {
                    List<Column> cols = new ArrayList<>(s.columns());
                    cols.add(Column.nullable("c" + (s.version() + 1), ColumnType.INT32));
                    TableSchema next = s.evolve(cols);
                    schemas.put(t, next);
                    rows.replaceAll((rk, r) -> {
                        Object[] v = java.util.Arrays.copyOf(r.toArray(), next.columnCount());
                        return Row.wrap(v);
                    });
                    out.add(SchemaChange.of(next, pos()));
                }
            }
            return out;
        }

        private static Row row(TableSchema s, long id, int seed, boolean bodyUnchanged) {
            Object[] v = new Object[s.columnCount()];
            v[0] = id;
            v[1] = seed % 5 == 0 ? null : "title-" + seed;
            v[2] = bodyUnchanged ? Unchanged.VALUE : "body-" + seed + "-" + "x".repeat(seed % 50);
            for (int i = 3; i < v.length; i++) {
                v[i] = seed % 3 == 0 ? null : seed + i;
            }
            return Row.wrap(v);
        }

        private SourcePosition pos() {
            lsn += 8;
            return new SourcePosition(lsn, lsn, 0);
        }

        void assertSinkEquals(ReferenceSink sink) {
            for (TableId t : TABLES) {
                assertEquals(schemas.get(t), sink.schema(t).orElseThrow(), "schema of " + t);
                assertEquals(model.get(t), sink.rows(t), "rows of " + t);
            }
        }
    }
}
