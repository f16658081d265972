package io.rhei.server;

import io.rhei.core.model.TableId;
import io.rhei.core.schema.ArrowSchemas;
import io.rhei.core.schema.TableCatalog;
import io.rhei.core.schema.TableSchema;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Flight SQL's catalog commands (GetCatalogs, GetDbSchemas, GetTables, GetPrimaryKeys, GetTableTypes, GetSqlInfo; GetXdbcTypeInfo is {@link FlightSqlTypeInfo})
 * answered from the engine's tables, so JDBC's {@code DatabaseMetaData} (DBeaver's table tree) lists them. One
 * catalog, {@code rhei}, as PostgreSQL's {@code current_database()}; one table type, {@code TABLE}.
 */
final class FlightSqlCatalog {
    static final String CATALOG = "rhei";
    static final String TABLE_TYPE = "TABLE";

    private final TableCatalog tables;
    private final BufferAllocator allocator;
    private final SqlInfoBuilder sqlInfo = new SqlInfoBuilder()
            .withFlightSqlServerName("Rhei")
            .withFlightSqlServerVersion("0.1.0")
            .withFlightSqlServerArrowVersion("18.3.0")
            .withFlightSqlServerReadOnly(true)
            .withSqlIdentifierQuoteChar("\"")
            .withSqlIdentifierCase(FlightSql.SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_LOWERCASE)
            .withSqlQuotedIdentifierCase(FlightSql.SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
            .withSqlDdlCatalog(false).withSqlDdlSchema(false).withSqlDdlTable(false)
            .withSqlAllTablesAreSelectable(true);

    FlightSqlCatalog(TableCatalog tables, BufferAllocator allocator) {
        this.tables = tables;
        this.allocator = allocator;
    }

    private List<TableSchema> sortedTables() {
        List<TableSchema> out = new ArrayList<>();
        for (TableId id : tables.tables()) {
            tables.schema(id).ifPresent(out::add);
        }
        out.sort(Comparator.comparing((TableSchema s) -> s.table().schema()).thenComparing(s -> s.table().table()));
        return out;
    }

    void catalogs(ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(FlightSqlProducer.Schemas.GET_CATALOGS_SCHEMA, allocator)) {
            set(root, 0, 0, CATALOG);
            send(root, 1, listener);
        }
    }

    void schemas(FlightSql.CommandGetDbSchemas command, ServerStreamListener listener) {
        Pattern schemaPattern = command.hasDbSchemaFilterPattern() ? like(command.getDbSchemaFilterPattern()) : null;
        TreeSet<String> names = new TreeSet<>();
        if (catalogMatches(command.hasCatalog() ? command.getCatalog() : null)) {
            names.add("public");
            for (TableSchema t : sortedTables()) {
                names.add(t.table().schema());
            }
        }
        try (VectorSchemaRoot root = VectorSchemaRoot.create(FlightSqlProducer.Schemas.GET_SCHEMAS_SCHEMA, allocator)) {
            int row = 0;
            for (String name : names) {
                if (schemaPattern == null || schemaPattern.matcher(name).matches()) {
                    set(root, 0, row, CATALOG);
                    set(root, 1, row, name);
                    row++;
                }
            }
            send(root, row, listener);
        }
    }

    void tables(FlightSql.CommandGetTables command, ServerStreamListener listener) {
        Pattern schemaPattern = command.hasDbSchemaFilterPattern() ? like(command.getDbSchemaFilterPattern()) : null;
        Pattern tablePattern = command.hasTableNameFilterPattern() ? like(command.getTableNameFilterPattern()) : null;
        boolean typeMatches = command.getTableTypesCount() == 0 || command.getTableTypesList().stream().anyMatch(TABLE_TYPE::equalsIgnoreCase);
        Schema schema = command.getIncludeSchema() ? FlightSqlProducer.Schemas.GET_TABLES_SCHEMA : FlightSqlProducer.Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            int row = 0;
            if (typeMatches && catalogMatches(command.hasCatalog() ? command.getCatalog() : null)) {
                for (TableSchema t : sortedTables()) {
                    if ((schemaPattern == null || schemaPattern.matcher(t.table().schema()).matches())
                            && (tablePattern == null || tablePattern.matcher(t.table().table()).matches())) {
                        set(root, 0, row, CATALOG);
                        set(root, 1, row, t.table().schema());
                        set(root, 2, row, t.table().table());
                        set(root, 3, row, TABLE_TYPE);
                        if (command.getIncludeSchema()) {
                            ((VarBinaryVector) root.getVector(4)).setSafe(row, ipc(ArrowSchemas.schema(t)));
                        }
                        row++;
                    }
                }
            }
            send(root, row, listener);
        }
    }

    void primaryKeys(FlightSql.CommandGetPrimaryKeys command, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(FlightSqlProducer.Schemas.GET_PRIMARY_KEYS_SCHEMA, allocator)) {
            int row = 0;
            if (catalogMatches(command.hasCatalog() ? command.getCatalog() : null)) {
                String schemaName = command.hasDbSchema() ? command.getDbSchema() : null;
                for (TableSchema t : sortedTables()) {
                    if (!t.table().table().equals(command.getTable()) || schemaName != null && !schemaName.equals(t.table().schema())) {
                        continue;
                    }
                    int seq = 1;
                    for (String column : t.primaryKey()) {
                        set(root, 0, row, CATALOG);
                        set(root, 1, row, t.table().schema());
                        set(root, 2, row, t.table().table());
                        set(root, 3, row, column);
                        ((VarCharVector) root.getVector("key_name")).setSafe(row, (t.table().table() + "_pkey").getBytes(StandardCharsets.UTF_8));
                        ((IntVector) root.getVector("key_sequence")).setSafe(row, seq++);
                        row++;
                    }
                }
            }
            send(root, row, listener);
        }
    }

    void tableTypes(ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(FlightSqlProducer.Schemas.GET_TABLE_TYPES_SCHEMA, allocator)) {
            set(root, 0, 0, TABLE_TYPE);
            send(root, 1, listener);
        }
    }

    void sqlInfo(FlightSql.CommandGetSqlInfo command, ServerStreamListener listener) {
        sqlInfo.send(command.getInfoList(), listener);
    }

    private static boolean catalogMatches(String catalog) {
        return catalog == null || catalog.isEmpty() || CATALOG.equals(catalog);
    }

    /** SQL LIKE ({@code %}, {@code _}, {@code \} escaping) as a regular expression. */
    static Pattern like(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                re.append(".*");
            } else if (c == '_') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static void set(VectorSchemaRoot root, int column, int row, String value) {
        ((VarCharVector) root.getVector(column)).setSafe(row, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(VectorSchemaRoot root, int rows, ServerStreamListener listener) {
        root.setRowCount(rows);
        listener.start(root);
        listener.putNext();
        listener.completed();
    }

    static byte[] ipc(Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
