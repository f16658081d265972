package io.rhei.olap.sql;

import io.rhei.olap.QueryException;
import io.rhei.storage.TableStorage;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.tools.RelBuilder;
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

    private static RelNode hep(RelNode rel, org.apache.calcite.plan.RelOptRule... rules) {
        HepProgramBuilder b = new HepProgramBuilder();
        for (var r : rules) {
            b.addRuleInstance(r);
        }
        HepPlanner hep = new HepPlanner(b.build());
        hep.setRoot(rel);
        return hep.findBestExp();
    }

    /**
     * {@code (a AND x) OR (a AND y)} becomes {@code a AND (x OR y)} in every filter, so that a join condition
     * repeated in each branch of an OR (TPC-H Q19) becomes a hash-join key instead of a filter over all pairs.
     */
    private static RelNode pullCommonFactors(RelNode rel) {
        return rel.accept(new org.apache.calcite.rel.RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                if (visited instanceof org.apache.calcite.rel.logical.LogicalFilter f) {
                    org.apache.calcite.rex.RexNode pulled = org.apache.calcite.rex.RexUtil.pullFactors(
                            f.getCluster().getRexBuilder(), f.getCondition());
                    if (!pulled.equals(f.getCondition())) {
                        return f.copy(f.getTraitSet(), f.getInput(), pulled);
                    }
                }
                return visited;
            }
        });
    }

    /**
     * Inner multi-way joins are ordered by Rhei's estimates ({@link JoinOrdering}); those with outer joins by
     * Calcite's heuristic ordering.
     */
    private static RelNode joinOrder(RelNode rel, Cardinality cardinality) {
        HepProgramBuilder b = new HepProgramBuilder();
        b.addMatchOrder(org.apache.calcite.plan.hep.HepMatchOrder.BOTTOM_UP);
        b.addRuleInstance(CoreRules.JOIN_TO_MULTI_JOIN);
        b.addRuleInstance(CoreRules.PROJECT_MULTI_JOIN_MERGE);
        b.addRuleInstance(CoreRules.FILTER_MULTI_JOIN_MERGE);
        HepPlanner toMulti = new HepPlanner(b.build());
        toMulti.setRoot(rel);
        RelNode multi = toMulti.findBestExp().accept(new org.apache.calcite.rel.RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                if (visited instanceof org.apache.calcite.rel.rules.MultiJoin mj) {
                    if (JoinOrdering.applies(mj)) {
                        return JoinOrdering.reorder(mj, cardinality);
                    }
                    LOG.debug("join of {} inputs left to Calcite's ordering (outer joins): {}", mj.getInputs().size(), mj);
                }
                return visited;
            }
        });
        HepProgramBuilder opt = new HepProgramBuilder();
        opt.addRuleInstance(CoreRules.MULTI_JOIN_OPTIMIZE);
        HepPlanner ordering = new HepPlanner(opt.build());
        ordering.setRoot(multi);
        return ordering.findBestExp();
    }

    /** The tables a plan reads, as the planner saw them. */
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
            RelBuilder relBuilder = RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null);
            // [NOT] EXISTS with a correlated filter becomes a semi (anti) join; other subqueries (IN, EXISTS,
            // scalar) become correlates, then joins and aggregates.
            rel = ExistsToSemiJoin.rewrite(rel);
            rel = hep(rel, CoreRules.FILTER_SUB_QUERY_TO_CORRELATE, CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE,
                    CoreRules.JOIN_SUB_QUERY_TO_CORRELATE);
            rel = RelDecorrelator.decorrelateQuery(rel, relBuilder);
            rel = GroupingSetsToUnion.rewrite(rel, relBuilder);
            rel = pullCommonFactors(rel);
            // Constant expressions (DATE '1998-12-01' - INTERVAL '90' DAY) fold to literals before lowering.
            rel = hep(rel, CoreRules.FILTER_REDUCE_EXPRESSIONS, CoreRules.PROJECT_REDUCE_EXPRESSIONS, CoreRules.JOIN_REDUCE_EXPRESSIONS);
            // INTERSECT and EXCEPT (not ALL) become a UNION ALL of the branches, counted per branch by an aggregate
            rel = hep(rel, CoreRules.INTERSECT_TO_DISTINCT, CoreRules.MINUS_TO_DISTINCT);
            rel = hep(rel, CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES_TO_JOIN, CoreRules.UNION_TO_DISTINCT,
                    CoreRules.FILTER_INTO_JOIN, CoreRules.JOIN_CONDITION_PUSH, CoreRules.FILTER_MERGE);
            // Join order by Rhei's estimates from column statistics, not the FROM order.
            Cardinality cardinality = new Cardinality(statistics, allocator);
            rel = joinOrder(rel, cardinality);
            rel = SemiJoinBeforeAggregate.rewrite(rel, cardinality);
            rel = new RelFieldTrimmer(null, relBuilder).trim(rel);
            rel = hep(rel, CoreRules.FILTER_MERGE, CoreRules.PROJECT_MERGE, CoreRules.PROJECT_REMOVE);
            rel = hep(rel, CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW);
            rel = hep(rel, CoreRules.PROJECT_REMOVE);
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
