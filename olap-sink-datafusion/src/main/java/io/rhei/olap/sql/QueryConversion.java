package io.rhei.olap.sql;

import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.tools.ValidationException;

/**
 * One query's way through Calcite's front end: parse, validate, convert to a logical plan. Calcite's {@code Planner}
 * did the same, plus per query what Rhei's plans never use: a Volcano planner with Calcite's hundred default rules
 * registered, a pass flattening structured types, and a decorrelation before Rhei's optimiser runs its own. The
 * cluster's planner is an empty Hep planner: Rhei's optimiser runs its passes with planners of its own, and rules that
 * fold constants find Rhei's executor ({@link ConstantFolder}) there. Not thread-safe: one per query.
 */
final class QueryConversion {
    private static final SqlParser.Config PARSER = PostgresDialect.parserConfig();
    private static final CalciteConnectionConfig CONNECTION = ((CalciteConnectionConfigImpl) CalciteConnectionConfig.DEFAULT)
            .set(CalciteConnectionProperty.CASE_SENSITIVE, String.valueOf(PARSER.caseSensitive()))
            .set(CalciteConnectionProperty.CONFORMANCE, String.valueOf(PARSER.conformance()));
    private static final SqlToRelConverter.Config TO_REL = SqlToRelConverter.config().withTrimUnusedFields(false).withExpand(false)
            .withInSubQueryThreshold(Integer.MAX_VALUE);

    private final JavaTypeFactory typeFactory = new JavaTypeFactoryImpl(RheiTypeSystem.INSTANCE);
    private final CalciteCatalogReader catalogReader;
    private final SqlValidator validator;
    private SqlNode validated;

    QueryConversion(SchemaPlus root, SchemaPlus defaultSchema) {
        this.catalogReader = new CalciteCatalogReader(CalciteSchema.from(root), CalciteSchema.from(defaultSchema).path(null), typeFactory,
                CONNECTION);
        this.validator = SqlValidatorUtil.newValidator(SqlOperatorTables.chain(PostgresDialect.OPERATORS, catalogReader), catalogReader,
                typeFactory, SqlValidator.Config.DEFAULT.withDefaultNullCollation(CONNECTION.defaultNullCollation())
                        .withLenientOperatorLookup(CONNECTION.lenientOperatorLookup()).withConformance(CONNECTION.conformance())
                        .withIdentifierExpansion(true));
    }

    SqlNode parse(String sql) throws SqlParseException {
        return SqlParser.create(sql, PARSER).parseStmt();
    }

    SqlNode validate(SqlNode parsed) throws ValidationException {
        try {
            validated = validator.validate(parsed);
            return validated;
        } catch (RuntimeException e) {
            throw new ValidationException(e);
        }
    }

    /** The types of the validated query's parameter markers, in order. */
    RelDataType parameterRowType() {
        return validator.getParameterRowType(validated);
    }

    /** The validated query as a logical plan (subqueries stay expressions: the optimiser turns them into joins). */
    RelRoot rel(SqlNode validatedQuery) {
        HepPlanner planner = new HepPlanner(HepProgram.builder().build());
        planner.setExecutor(ConstantFolder.INSTANCE);
        RelOptCluster cluster = RelOptCluster.create(planner, new RexBuilder(typeFactory));
        SqlToRelConverter converter = new SqlToRelConverter((rowType, queryString, schemaPath, viewPath) -> {
            throw new UnsupportedOperationException("views are not expanded");
        }, validator, catalogReader, cluster, StandardConvertletTable.INSTANCE, TO_REL);
        return converter.convertQuery(validatedQuery, false, true);
    }
}
