package io.rhei.olap.catalog;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import io.rhei.storage.TableSnapshot;
import io.rhei.storage.TableStorage;
import org.apache.arrow.memory.BufferAllocator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What queries read: the synced tables, and {@code pg_catalog} and {@code information_schema} generated from their
 * schemas ({@link PgCatalog}) into an in-memory storage of their own. The catalog is rebuilt when the set of tables
 * or a schema changes, before the next query plans. Writes go to the synced tables only; the catalog is read-only.
 */
public final class CatalogStorage implements TableStorage {
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema");

    /** The catalog tables' schemas, which do not depend on the synced tables. */
    private static final java.util.Map<TableId, TableSchema> SCHEMAS = schemas();

    private final TableStorage tables;
    /** Made when a query first reads a catalog table: an engine that never does allocates nothing for it. */
    private InMemoryStorage system;
    private List<TableSchema> catalogOf = null;
    private long catalogSeq;

    public CatalogStorage(TableStorage tables) {
        this.tables = tables;
    }

    private static java.util.Map<TableId, TableSchema> schemas() {
        java.util.Map<TableId, TableSchema> m = new java.util.HashMap<>();
        for (SystemTable t : PgCatalog.build(List.of())) {
            m.put(t.schema().table(), t.schema());
        }
        return java.util.Map.copyOf(m);
    }

    /** Whether {@code id} is a table of pg_catalog or information_schema. */
    public static boolean isSystem(TableId id) {
        return SYSTEM_SCHEMAS.contains(id.schema());
    }

    /** Regenerates the catalog if the synced tables changed since it was made. */
    private synchronized InMemoryStorage refresh() {
        List<TableSchema> now = new ArrayList<>();
        for (TableId id : tables.tables()) {
            tables.schema(id).ifPresent(now::add);
        }
        now.sort(java.util.Comparator.comparing(s -> s.table().toString()));
        if (system == null) {
            system = new InMemoryStorage(tables.allocator(), StorageConfig.defaults());
        }
        if (now.equals(catalogOf)) {
            return system;
        }
        long schemaSeq = ++catalogSeq;
        long seq = ++catalogSeq; // the rows come after the table exists
        for (SystemTable t : PgCatalog.build(now)) {
            TableSchema schema = t.schema();
            system.ensureTable(schema, schemaSeq);
            List<RowChange> rows = new ArrayList<>(t.rows().size());
            for (var row : t.rows()) {
                rows.add(schema.hasPrimaryKey() ? RowChange.upsert(schema.keyOf(row), row, seq) : RowChange.insert(row, seq));
            }
            system.apply(new TableChangeBatch(schema, true, rows, seq, seq, rows.size()));
        }
        catalogOf = now;
        return system;
    }

    /** The sizes table's rows, made again at each read: sizes follow every commit, which rebuilds nothing else. */
    private synchronized InMemoryStorage refreshSizes() {
        InMemoryStorage catalog = refresh();
        java.util.Map<TableId, Long> bytes = new java.util.HashMap<>();
        for (TableId id : tables.tables()) {
            try (TableSnapshot s = tables.snapshot(id)) {
                bytes.put(id, s.bytes());
            }
        }
        SystemTable sizes = PgCatalog.relationSizes(bytes);
        TableSchema schema = sizes.schema();
        List<RowChange> rows = new ArrayList<>(sizes.rows().size());
        for (var row : sizes.rows()) {
            rows.add(RowChange.upsert(schema.keyOf(row), row, catalogSeq + 1));
        }
        long seq = ++catalogSeq;
        catalog.apply(new TableChangeBatch(schema, true, rows, seq, seq, rows.size()));
        return catalog;
    }

    @Override
    public TableSnapshot snapshot(TableId table) {
        if (table.schema().equals("pg_catalog") && table.table().equals(PgCatalog.RELATION_SIZES)) {
            return refreshSizes().snapshot(table);
        }
        if (isSystem(table)) {
            return refresh().snapshot(table);
        }
        return tables.snapshot(table);
    }

    @Override
    public BufferAllocator allocator() {
        return tables.allocator();
    }

    @Override
    public void ensureTable(TableSchema schema, long seq) {
        tables.ensureTable(schema, seq);
    }

    @Override
    public Optional<TableSchema> schema(TableId table) {
        if (isSystem(table)) {
            return Optional.ofNullable(SCHEMAS.get(table));
        }
        return tables.schema(table);
    }

    @Override
    public Set<TableId> tables() {
        Set<TableId> all = new HashSet<>(tables.tables());
        all.addAll(SCHEMAS.keySet());
        return all;
    }

    @Override
    public void apply(TableChangeBatch batch) {
        tables.apply(batch);
    }

    @Override
    public long appliedSeq(TableId table) {
        return isSystem(table) ? catalogSeq : tables.appliedSeq(table);
    }

    @Override
    public synchronized void close() {
        if (system != null) {
            system.close();
        }
        tables.close();
    }
}
