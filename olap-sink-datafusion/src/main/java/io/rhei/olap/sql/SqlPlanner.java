package io.rhei.olap.sql;

import io.rhei.olap.stats.Cardinality;
import io.rhei.olap.physical.CometTypes;
import io.rhei.olap.optimizer.Optimizer;
import io.rhei.olap.physical.LoweredPlan;
import io.rhei.olap.physical.PlanLowering;

import io.rhei.olap.QueryException;
import io.rhei.storage.TableStorage;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.tools.FrameworkConfig;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.tools.RelConversionException;
import org.apache.calcite.tools.ValidationException;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses, validates and optimises SQL with Apache Calcite, then lowers it to a native plan. The dialect is close
 * to PostgreSQL's: unquoted identifiers fold to lower case, the default schema is {@code public} (others by
 * {@code schema.table}), NULLs sort last ascending and first descending. Only queries are accepted: Rhei's copy
 * is read-only.
 */
public final class SqlPlanner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqlPlanner.class);
    private final TableStorage storage;
    private final int parallelism;
    private final long parallelMinRows;
    private final io.rhei.olap.stats.ColumnStatistics statistics;
    private final PlanCache cache;

    /** A planner that plans every query anew on one thread. */
    public SqlPlanner(TableStorage storage) {
        this(storage, 1, Long.MAX_VALUE, 0);
    }

    /**
     * {@code parallelism}: how many native plans an aggregation may run at once over shares of its input, when the
     * table it splits is estimated at {@code parallelMinRows} or more; {@code planCacheSize}: plans kept for queries
     * run again ({@link PlanCache}).
     */
    public SqlPlanner(TableStorage storage, int parallelism, long parallelMinRows, int planCacheSize) {
        this.storage = storage;
        this.parallelism = parallelism;
        this.parallelMinRows = parallelMinRows;
        this.statistics = new io.rhei.olap.stats.ColumnStatistics(storage);
        this.cache = new PlanCache(planCacheSize);
    }

    private static java.util.Map<io.rhei.core.model.TableId, PlanCache.TableVersion> tablesRead(RelNode rel) {
        java.util.Map<io.rhei.core.model.TableId, PlanCache.TableVersion> tables = new java.util.HashMap<>();
        for (org.apache.calcite.plan.RelOptTable t : org.apache.calcite.plan.RelOptUtil.findAllTables(rel)) {
            StorageCatalog.StorageTable table = t.unwrap(StorageCatalog.StorageTable.class);
            if (table != null) {
                tables.put(table.tableSchema().table(), new PlanCache.TableVersion(table.tableSchema(), table.rowCount()));
            }
        }
        return tables;
    }

    /** Plans {@code sql} with the column statistics known already (none are counted). */
    public LoweredPlan plan(String sql) {
        return plan(sql, null);
    }

    /**
     * Plans {@code sql}; column statistics the estimates need and do not know yet are counted with buffers from
     * {@code allocator}, which must share the storage's root allocator.
     */
    public LoweredPlan plan(String sql, org.apache.arrow.memory.BufferAllocator allocator) {
        var cached = cache.get(sql, storage);
        if (cached.isPresent()) {
            LOG.debug("plan of {} reused", sql);
            return cached.get();
        }
        SchemaPlus root = Frameworks.createRootSchema(false);
        StorageCatalog.register(root, storage);
        PostgresDialect.registerTypeNames(root);
        FrameworkConfig config = Frameworks.newConfigBuilder()
                .parserConfig(PostgresDialect.parserConfig())
                .operatorTable(PostgresDialect.OPERATORS)
                .defaultSchema(root.getSubSchema("public"))
                .typeSystem(RheiTypeSystem.INSTANCE)
                .executor(ConstantFolder.INSTANCE)
                .sqlToRelConverterConfig(SqlToRelConverter.config().withTrimUnusedFields(true).withExpand(false)
                        .withInSubQueryThreshold(Integer.MAX_VALUE))
                .build();
        String refused = PostgresSqlText.refusedConstruct(sql);
        if (refused != null) {
            throw new io.rhei.olap.UnsupportedSqlException(sql, refused);
        }
        Planner planner = Frameworks.getPlanner(config);
        try {
            SqlNode original = planner.parse(PostgresSqlText.rewrite(sql));
            List<SqlNode> namingItems = PostgresColumnNames.namingItems(original);
            SqlNode parsed = PostgresDialect.rewriteParsed(original);
            if (!parsed.getKind().belongsTo(SqlKind.QUERY)) {
                throw new QueryException(sql, "only queries are accepted (" + parsed.getKind() + " refused): Rhei's tables are a read-only copy");
            }
            SqlNode validated = planner.validate(parsed);
            RelRoot relRoot = planner.rel(validated);
            RelNode rel = relRoot.project();
            Cardinality cardinality = new Cardinality(statistics, allocator);
            rel = Optimizer.optimize(rel, cardinality);
            if (LOG.isDebugEnabled()) {
                LOG.debug("plan of {}:\n{}", sql, org.apache.calcite.plan.RelOptUtil.toString(rel));
            }
            PlanLowering lowering = new PlanLowering(sql, rel.getCluster().getRexBuilder(), cardinality, parallelism, parallelMinRows);
            var op = lowering.lower(rel);
            List<String> names = PostgresColumnNames.of(namingItems, validated, relRoot.validatedRowType.getFieldNames());
            List<Field> fields = new ArrayList<>();
            List<RelDataTypeField> out = rel.getRowType().getFieldList();
            for (int i = 0; i < out.size(); i++) {
                String name = names.get(i);
                fields.add(new Field(name, FieldType.nullable(CometTypes.arrow(out.get(i).getType())), null));
            }
            LoweredPlan lowered = new LoweredPlan(sql, op, List.copyOf(lowering.scans()), names, new Schema(fields),
                    org.apache.calcite.plan.RelOptUtil.toString(rel));
            if (allocator != null && !lowering.usesClock()) {
                // only plans made with the tables' statistics are worth reusing
                cache.put(sql, lowered, tablesRead(rel));
            }
            return lowered;
        } catch (AssertionError e) {
            // Calcite's own consistency checks (its SQL-to-plan conversion simplifies coalesce(NULL, x) and then
            // disagrees with itself on the nullability of an aggregate over it)
            throw new io.rhei.olap.UnsupportedSqlException(sql, "a query Calcite cannot plan consistently ("
                    + e.getMessage().replaceAll("\\s+", " ").strip() + "); an aggregate over a constant NULL expression is the usual cause");
        } catch (ConstantDates.InvalidConstant e) {
            throw new QueryException(sql, e.getMessage(), e);
        } catch (SqlParseException e) {
            throw new QueryException(sql, "syntax error: " + e.getMessage(), e);
        } catch (ValidationException e) {
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("No match found for function signature (\\w+)\\(").matcher(String.valueOf(why));
            if (m.find()) {
                throw new io.rhei.olap.UnsupportedSqlException(sql, "function " + m.group(1) + " with these argument types ("
                        + why.replaceFirst("^.*No match found for function signature ", "") + ")");
            }
            throw new QueryException(sql, "invalid query: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } catch (RelConversionException e) {
            throw new QueryException(sql, "cannot plan: " + e.getMessage(), e);
        } finally {
            planner.close();
        }
    }
}
