package io.rhei.olap.sql;

import io.rhei.olap.QueryException;
import io.rhei.storage.TableStorage;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.avatica.util.Casing;
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
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
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
    private final TableStorage storage;

    public SqlPlanner(TableStorage storage) {
        this.storage = storage;
    }

    public LoweredPlan plan(String sql) {
        SchemaPlus root = Frameworks.createRootSchema(false);
        StorageCatalog.register(root, storage);
        FrameworkConfig config = Frameworks.newConfigBuilder()
                .parserConfig(SqlParser.config().withCaseSensitive(true).withUnquotedCasing(Casing.TO_LOWER)
                        .withQuotedCasing(Casing.UNCHANGED).withConformance(SqlConformanceEnum.LENIENT))
                .defaultSchema(root.getSubSchema("public"))
                .typeSystem(RheiTypeSystem.INSTANCE)
                .sqlToRelConverterConfig(SqlToRelConverter.config().withTrimUnusedFields(true).withExpand(false)
                        .withInSubQueryThreshold(Integer.MAX_VALUE))
                .build();
        Planner planner = Frameworks.getPlanner(config);
        try {
            SqlNode parsed = planner.parse(sql);
            if (!parsed.getKind().belongsTo(SqlKind.QUERY)) {
                throw new QueryException(sql, "only queries are accepted (" + parsed.getKind() + " refused): Rhei's tables are a read-only copy");
            }
            SqlNode validated = planner.validate(parsed);
            RelRoot relRoot = planner.rel(validated);
            RelNode rel = relRoot.project();
            rel = new RelFieldTrimmer(null, RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null)).trim(rel);
            HepPlanner hep = new HepPlanner(new HepProgramBuilder()
                    .addRuleInstance(CoreRules.FILTER_MERGE)
                    .addRuleInstance(CoreRules.PROJECT_MERGE)
                    .addRuleInstance(CoreRules.PROJECT_REMOVE)
                    .build());
            hep.setRoot(rel);
            rel = hep.findBestExp();
            PlanLowering lowering = new PlanLowering(sql, rel.getCluster().getRexBuilder());
            var op = lowering.lower(rel);
            List<String> names = new ArrayList<>();
            List<Field> fields = new ArrayList<>();
            List<RelDataTypeField> out = rel.getRowType().getFieldList();
            for (int i = 0; i < out.size(); i++) {
                String name = relRoot.validatedRowType.getFieldList().get(i).getName();
                names.add(name);
                fields.add(new Field(name, FieldType.nullable(CometTypes.arrow(out.get(i).getType())), null));
            }
            return new LoweredPlan(sql, op, List.copyOf(lowering.scans()), names, new Schema(fields));
        } catch (SqlParseException e) {
            throw new QueryException(sql, "syntax error: " + e.getMessage(), e);
        } catch (ValidationException e) {
            throw new QueryException(sql, "invalid query: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } catch (RelConversionException e) {
            throw new QueryException(sql, "cannot plan: " + e.getMessage(), e);
        } finally {
            planner.close();
        }
    }
}
