package io.rhei.olap.sql;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.TableSchema;
import io.rhei.storage.TableStorage;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The tables of a {@link TableStorage} as Calcite schemas: one per PostgreSQL schema, tables by their names. */
public final class StorageCatalog {
    private StorageCatalog() {
    }

    /** Adds one sub-schema per PostgreSQL schema to {@code root}, with the tables as they are now. */
    static void register(SchemaPlus root, TableStorage storage) {
        Map<String, Map<String, Table>> bySchema = new HashMap<>();
        for (TableId id : storage.tables()) {
            storage.schema(id).ifPresent(s -> {
                long rows;
                if (io.rhei.olap.catalog.CatalogStorage.isSystem(id)) {
                    rows = 100; // an estimate: catalog tables are generated when a query reads them
                } else {
                    try (var snap = storage.snapshot(id)) {
                        rows = snap.rowCount();
                    }
                }
                bySchema.computeIfAbsent(id.schema(), k -> new HashMap<>()).put(id.table(), new StorageTable(s, rows));
            });
        }
        bySchema.putIfAbsent("public", new HashMap<>());
        // PostgreSQL searches pg_catalog before the search path: pg_class means pg_catalog.pg_class unqualified too
        bySchema.getOrDefault("pg_catalog", Map.of()).forEach(bySchema.get("public")::putIfAbsent);
        bySchema.forEach((name, tables) -> root.add(name, new AbstractSchema() {
            @Override
            protected Map<String, Table> getTableMap() {
                return tables;
            }
        }));
    }

    /** A table known by its schema; rows come from storage snapshots at execution. */
    public static final class StorageTable extends AbstractTable {
        private final TableSchema schema;
        private final long rowCount;

        StorageTable(TableSchema schema, long rowCount) {
            this.schema = schema;
            this.rowCount = rowCount;
        }

        /** The live row count and the primary key: the planner's estimates (join order, build sides) start here. */
        @Override
        public org.apache.calcite.schema.Statistic getStatistic() {
            List<org.apache.calcite.util.ImmutableBitSet> keys = new ArrayList<>();
            if (schema.hasPrimaryKey()) {
                keys.add(org.apache.calcite.util.ImmutableBitSet.of(schema.keyPositions()));
            }
            return org.apache.calcite.schema.Statistics.of(rowCount, keys);
        }

        public TableSchema tableSchema() {
            return schema;
        }

        /** The live row count when the query was planned. */
        long rowCount() {
            return rowCount;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory f) {
            List<String> names = new ArrayList<>();
            List<RelDataType> types = new ArrayList<>();
            for (Column c : schema.columns()) {
                names.add(c.name());
                types.add(f.createTypeWithNullability(sqlType(f, c), c.nullable()));
            }
            return f.createStructType(types, names);
        }

        private static RelDataType sqlType(RelDataTypeFactory f, Column c) {
            return switch (c.type().kind()) {
                case BOOLEAN -> f.createSqlType(SqlTypeName.BOOLEAN);
                case INT16 -> f.createSqlType(SqlTypeName.SMALLINT);
                case INT32 -> f.createSqlType(SqlTypeName.INTEGER);
                case INT64 -> f.createSqlType(SqlTypeName.BIGINT);
                case FLOAT32 -> f.createSqlType(SqlTypeName.REAL);
                case FLOAT64 -> f.createSqlType(SqlTypeName.DOUBLE);
                case DECIMAL -> f.createSqlType(SqlTypeName.DECIMAL, c.type().precision(), c.type().scale());
                case TEXT, UUID, JSON -> f.createSqlType(SqlTypeName.VARCHAR);
                case CHAR -> f.createSqlType(SqlTypeName.CHAR, c.type().precision() == 0 ? Bpchar.UNBOUNDED : c.type().precision());
                case BYTES -> f.createSqlType(SqlTypeName.VARBINARY);
                case DATE -> f.createSqlType(SqlTypeName.DATE);
                case TIME -> f.createSqlType(SqlTypeName.TIME, 6);
                case TIMESTAMP -> f.createSqlType(SqlTypeName.TIMESTAMP, 6);
                case TIMESTAMPTZ -> f.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, 6);
            };
        }
    }
}
