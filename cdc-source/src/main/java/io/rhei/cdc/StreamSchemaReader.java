package io.rhei.cdc;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.TypeRegistry;
import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.Table;
import io.debezium.relational.TableSchemaBuilder;
import io.debezium.relational.Tables;
import io.debezium.relational.mapping.ColumnMappers;
import io.debezium.schema.SchemaNameAdjuster;
import io.rhei.core.RheiException;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.Column;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads each table's columns as Debezium's stream will describe them, with Debezium's own catalog reader, value
 * converters and default-value parser, then {@link ConnectSchemaMapper}: so that rows read outside Debezium (the bulk
 * snapshot) carry exactly the schema the first streamed change of the table resolves to, defaults included, and no
 * second schema version appears when streaming begins.
 */
final class StreamSchemaReader {
    private StreamSchemaReader() {
    }

    /** A table's columns and primary key, as {@link RecordConverter} would derive them from a streamed record. */
    record Shape(TableId table, List<Column> columns, List<String> primaryKey) {
    }

    static Map<TableId, Shape> read(PostgresSourceConfig config, List<TableId> tables) {
        PostgresConnectorConfig cfg = new PostgresConnectorConfig(Configuration.from(config.toDebezium()));
        TypeRegistry types = PostgresConnection.createTypeRegistry(cfg.getJdbcConfig());
        try (PostgresConnection conn = new PostgresConnection(cfg, types, "rhei-bulk-snapshot-schema")) {
            PostgresValueConverter values = PostgresValueConverter.of(cfg, conn.getDatabaseCharset(), types);
            TableSchemaBuilder builder = new TableSchemaBuilder(values, conn.getDefaultValueConverter(), SchemaNameAdjuster.NO_OP,
                    new CustomConverterRegistry(List.of()), SchemaBuilder.struct().build(), cfg.getFieldNamer(), false,
                    cfg.getEventConvertingFailureHandlingMode());
            ColumnMappers mappers = ColumnMappers.create(cfg);
            Map<TableId, Shape> out = new LinkedHashMap<>();
            for (TableId t : tables) {
                io.debezium.relational.TableId id = new io.debezium.relational.TableId(null, t.schema(), t.table());
                Tables read = new Tables();
                conn.readSchema(read, null, t.schema(), Tables.TableFilter.fromPredicate(id::equals), cfg.getColumnFilter(), false);
                Table table = read.forTable(id);
                if (table == null) {
                    throw new RheiException("table " + t + " is gone from the source database: it cannot be snapshotted");
                }
                io.debezium.relational.TableSchema schema = builder.create(
                        cfg.getTopicNamingStrategy(CommonConnectorConfig.TOPIC_NAMING_STRATEGY), table, cfg.getColumnFilter(), mappers,
                        cfg.getKeyMapper());
                List<String> key = new ArrayList<>();
                Schema keySchema = schema.keySchema();
                if (keySchema != null && keySchema.type() == Schema.Type.STRUCT) {
                    for (Field f : keySchema.fields()) {
                        key.add(f.name());
                    }
                }
                out.put(t, new Shape(t, ConnectSchemaMapper.columns(t, schema.valueSchema()), key));
            }
            return out;
        } catch (SQLException e) {
            throw new RheiException("cannot read the schema of " + tables + " from " + config + ": " + e.getMessage(), e);
        }
    }
}
