package io.rhei.olap.sql;

import io.rhei.olap.stats.Cardinality;
import io.rhei.olap.physical.CometTypes;
import io.rhei.olap.optimizer.Optimizer;
import io.rhei.olap.physical.LoweredPlan;
import io.rhei.olap.physical.PlanLowering;

import io.rhei.core.query.QueryDescription;
import io.rhei.core.schema.ColumnType;
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
import org.apache.calcite.tools.Frameworks;
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
        return plan(sql, List.of(), List.of(), allocator);
    }

    /**
     * Plans {@code sql} with its parameter markers bound to {@code values} ({@code $1} first; see
     * {@link io.rhei.core.query.QueryEngine#query(String, List, List, org.apache.arrow.memory.BufferAllocator)}).
     */
    public LoweredPlan plan(String sql, List<ColumnType> declaredTypes, List<?> values, org.apache.arrow.memory.BufferAllocator allocator) {
        String cacheKey = cacheKey(sql, declaredTypes, values);
        var cached = cache.get(cacheKey, storage);
        if (cached.isPresent()) {
            LOG.debug("plan of {} reused", sql);
            return cached.get();
        }
        String text = PostgresSqlText.rewrite(sql);
        refuseUnsupported(sql, text);
        ParameterMarkers markers = ParameterMarkers.of(text, castTargets(declaredTypes));
        if (markers.parameterCount() == 0 && values.isEmpty()) {
            return planning(sql, planner -> {
                SqlNode parsed = planner.parse(markers.sql());
                return lower(sql, cacheKey, planner, parsed, parsed, allocator);
            });
        }
        if (values.size() != markers.parameterCount()) {
            throw new QueryException(sql, "the query has " + markers.parameterCount() + " parameter(s) but " + values.size()
                    + " value(s) were bound");
        }
        return planBound(sql, cacheKey, markers, parameterTypes(sql, markers, declaredTypes), values, allocator);
    }

    /** The parameter types and result schema of {@code sql} with parameter markers, planned without values. */
    public QueryDescription describe(String sql, List<ColumnType> declaredTypes) {
        String text = PostgresSqlText.rewrite(sql);
        refuseUnsupported(sql, text);
        ParameterMarkers markers = ParameterMarkers.of(text, castTargets(declaredTypes));
        if (markers.parameterCount() == 0) {
            return new QueryDescription(List.of(), plan(sql, null).plannedSchema());
        }
        List<ColumnType> types = parameterTypes(sql, markers, declaredTypes);
        // The result's types are those of the plan made with each parameter a NULL of its type: the validator's
        // row type can differ from the plan's (an aggregate Calcite types by its argument and the plan computes in
        // double), and a client decoding binary results relies on the types described.
        List<Object> nulls = java.util.Collections.nCopies(types.size(), null);
        return new QueryDescription(types, planBound(sql, cacheKey(sql, declaredTypes, nulls), markers, types, nulls, null).plannedSchema());
    }

    private static String cacheKey(String sql, List<ColumnType> declaredTypes, List<?> values) {
        return values.isEmpty() && declaredTypes.isEmpty() ? sql : sql + '\u0000' + declaredTypes + '\u0000' + valuesKey(values);
    }

    /** Plans {@code sql} with each value written into the parsed query as a literal of its parameter's type. */
    private LoweredPlan planBound(String sql, String cacheKey, ParameterMarkers markers, List<ColumnType> types, List<?> values,
                                  org.apache.arrow.memory.BufferAllocator allocator) {
        List<Object> converted = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            converted.add(ParameterValues.convert(types.get(i), values.get(i), i + 1, sql));
        }
        return planning(sql, planner -> {
            SqlNode parsed = planner.parse(markers.sql());
            return lower(sql, cacheKey, planner, parsed, ParameterSubstitution.bind(parsed, markers, types, converted), allocator);
        });
    }

    /** Each parameter's type ({@code $1} first): declared, or as Calcite's validator infers it where it stands. */
    private List<ColumnType> parameterTypes(String sql, ParameterMarkers markers, List<ColumnType> declaredTypes) {
        try {
            return planning(sql, planner -> inferParameterTypes(sql, markers, declaredTypes, planner));
        } catch (QueryException e) {
            if (!String.valueOf(e.getMessage()).contains("Illegal use of dynamic parameter")) {
                throw e;
            }
            // a marker nothing around it types (SELECT $1): PostgreSQL's unknown resolves to text
            List<ColumnType> asText = new ArrayList<>();
            for (int i = 0; i < markers.parameterCount(); i++) {
                asText.add(i < declaredTypes.size() && declaredTypes.get(i) != null ? declaredTypes.get(i) : ColumnType.TEXT);
            }
            ParameterMarkers typed = ParameterMarkers.of(PostgresSqlText.rewrite(sql), castTargets(asText));
            return planning(sql, planner -> inferParameterTypes(sql, typed, asText, planner));
        }
    }

    private static List<ColumnType> inferParameterTypes(String sql, ParameterMarkers markers, List<ColumnType> declaredTypes,
                                                        QueryConversion planner) throws SqlParseException, ValidationException {
        SqlNode parsed = PostgresDialect.rewriteParsed(planner.parse(markers.sql()));
        requireQuery(sql, parsed);
        planner.validate(parsed);
        List<RelDataTypeField> markerTypes = planner.parameterRowType().getFieldList();
        ColumnType[] types = new ColumnType[markers.parameterCount()];
        for (int m = markers.parameterOf().length - 1; m >= 0; m--) {
            types[markers.parameterOf()[m]] = ParameterTypes.of(markerTypes.get(m).getType()); // the first marker's type wins
        }
        for (int p = 0; p < types.length; p++) {
            if (p < declaredTypes.size() && declaredTypes.get(p) != null) {
                types[p] = declaredTypes.get(p);
            } else if (types[p] == null) {
                types[p] = ColumnType.TEXT; // declared by no one and used nowhere
            }
        }
        return java.util.Arrays.asList(types);
    }

    private static List<String> castTargets(List<ColumnType> declared) {
        List<String> targets = new ArrayList<>(declared.size());
        for (ColumnType t : declared) {
            targets.add(ParameterTypes.castTarget(t));
        }
        return targets;
    }

    private static String valuesKey(List<?> values) {
        StringBuilder key = new StringBuilder();
        for (Object v : values) {
            key.append(v == null ? "\u0001null" : v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : v.getClass().getSimpleName() + ':' + v)
                    .append('\u0000');
        }
        return key.toString();
    }

    /** Refuses by name what {@code rewritten} (the SQL text after {@link PostgresSqlText#rewrite}) still holds. */
    private static void refuseUnsupported(String sql, String rewritten) {
        String refused = PostgresSqlText.refusedConstruct(rewritten);
        if (refused != null) {
            throw new io.rhei.olap.UnsupportedSqlException(sql, refused);
        }
    }

    private static void refuseWhenUnplanned(String sql) {
        String refused = PostgresSqlText.refusedWhenUnplanned(sql);
        if (refused != null) {
            throw new io.rhei.olap.UnsupportedSqlException(sql, refused);
        }
    }

    private static void requireQuery(String sql, SqlNode parsed) {
        if (!parsed.getKind().belongsTo(SqlKind.QUERY)) {
            throw new QueryException(sql, "only queries are accepted (" + parsed.getKind() + " refused): Rhei's tables are a read-only copy");
        }
    }

    /** {@code original} names the result's columns; {@code toPlan} is what is planned (parameters bound). */
    private LoweredPlan lower(String sql, String cacheKey, QueryConversion planner, SqlNode original, SqlNode toPlan,
                              org.apache.arrow.memory.BufferAllocator allocator) throws ValidationException {
        List<SqlNode> namingItems = PostgresColumnNames.namingItems(original);
        SqlNode parsed = PostgresDialect.rewriteParsed(toPlan);
        requireQuery(sql, parsed);
        SqlNode validated = planner.validate(parsed);
        RelRoot relRoot = planner.rel(validated);
        RelNode rel = relRoot.project();
        Cardinality cardinality = new Cardinality(statistics, allocator);
        rel = Optimizer.optimize(rel, cardinality);
        if (LOG.isDebugEnabled()) {
            LOG.debug("plan of {}:\n{}", sql, org.apache.calcite.plan.RelOptUtil.toString(rel));
        }
        PlanLowering lowering = new PlanLowering(sql, rel.getCluster().getRexBuilder(), cardinality, parallelism, parallelMinRows);
        var op = lowering.lowerRoot(rel);
        List<String> names = PostgresColumnNames.of(namingItems, validated, relRoot.validatedRowType.getFieldNames());
        List<Field> fields = new ArrayList<>();
        List<RelDataTypeField> out = rel.getRowType().getFieldList();
        for (int i = 0; i < out.size(); i++) {
            String name = names.get(i);
            fields.add(new Field(name, FieldType.nullable(CometTypes.arrow(out.get(i).getType())), null));
        }
        LoweredPlan lowered = new LoweredPlan(sql, op, List.copyOf(lowering.scans()), names, new Schema(fields),
                planText(rel));
        if (allocator != null && !lowering.usesClock() && cache.enabled()) {
            // only plans made with the tables' statistics are worth reusing
            cache.put(cacheKey, lowered, tablesRead(rel));
        }
        return lowered;
    }

    private static java.util.function.Supplier<String> planText(RelNode rel) {
        return new java.util.function.Supplier<>() {
            private String text;

            @Override
            public synchronized String get() {
                if (text == null) {
                    text = org.apache.calcite.plan.RelOptUtil.toString(rel);
                }
                return text;
            }
        };
    }

    /** One planning step with a fresh conversion; Calcite's exceptions become one-line query errors. */
    private interface PlanningStep<T> {
        T run(QueryConversion planner) throws SqlParseException, ValidationException;
    }

    private <T> T planning(String sql, PlanningStep<T> step) {
        SchemaPlus root = Frameworks.createRootSchema(false);
        StorageCatalog.register(root, storage);
        PostgresDialect.registerTypeNames(root);
        QueryConversion planner = new QueryConversion(root, root.getSubSchema("public"));
        try {
            return step.run(planner);
        } catch (AssertionError e) {
            // Calcite's own consistency checks (its SQL-to-plan conversion simplifies coalesce(NULL, x) and then
            // disagrees with itself on the nullability of an aggregate over it)
            throw new io.rhei.olap.UnsupportedSqlException(sql, "a query Calcite cannot plan consistently ("
                    + e.getMessage().replaceAll("\\s+", " ").strip() + "); an aggregate over a constant NULL expression is the usual cause");
        } catch (ConstantDates.InvalidConstant e) {
            throw new QueryException(sql, e.getMessage(), e);
        } catch (SqlParseException e) {
            refuseWhenUnplanned(sql);
            throw new QueryException(sql, "syntax error: " + e.getMessage(), e);
        } catch (ValidationException e) {
            refuseWhenUnplanned(sql);
            String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("No match found for function signature (\\w+)\\(").matcher(String.valueOf(why));
            if (m.find()) {
                throw new io.rhei.olap.UnsupportedSqlException(sql, "function " + m.group(1) + " with these argument types ("
                        + why.replaceFirst("^.*No match found for function signature ", "") + ")");
            }
            throw new QueryException(sql, "invalid query: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
    }
}
