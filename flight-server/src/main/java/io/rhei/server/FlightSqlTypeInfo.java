package io.rhei.server;

import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.ColumnType.Kind;
import io.rhei.core.schema.PostgresTypeNames;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;

import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Flight SQL's GetXdbcTypeInfo (JDBC's {@code getTypeInfo}, ODBC's {@code SQLGetTypeInfo}): one row for each type of
 * Rhei's model, named as PostgreSQL names it, sorted by JDBC type code as JDBC asks.
 */
final class FlightSqlTypeInfo {
    /** ODBC's SQL_DATETIME and its subcodes, for the date and time types' sql_data_type/datetime_subcode. */
    private static final int SQL_DATETIME = 9;

    private record TypeRow(Kind kind, int jdbcType, Integer columnSize, boolean quoted, List<String> createParams,
                           boolean caseSensitive, boolean fixedScale, Integer maxScale, Integer radix, Integer datetimeSubcode) {
    }

    private static final List<TypeRow> ROWS = Arrays.stream(new TypeRow[]{
            new TypeRow(Kind.BOOLEAN, Types.BOOLEAN, 1, false, null, false, false, null, null, null),
            new TypeRow(Kind.INT16, Types.SMALLINT, 5, false, null, false, true, 0, 10, null),
            new TypeRow(Kind.INT32, Types.INTEGER, 10, false, null, false, true, 0, 10, null),
            new TypeRow(Kind.INT64, Types.BIGINT, 19, false, null, false, true, 0, 10, null),
            new TypeRow(Kind.FLOAT32, Types.REAL, 24, false, null, false, false, null, 2, null),
            new TypeRow(Kind.FLOAT64, Types.DOUBLE, 53, false, null, false, false, null, 2, null),
            new TypeRow(Kind.DECIMAL, Types.NUMERIC, ColumnType.MAX_DECIMAL_PRECISION, false, List.of("precision", "scale"), false, false,
                    ColumnType.MAX_DECIMAL_PRECISION, 10, null),
            new TypeRow(Kind.TEXT, Types.VARCHAR, null, true, null, true, false, null, null, null),
            new TypeRow(Kind.CHAR, Types.CHAR, null, true, List.of("length"), true, false, null, null, null),
            new TypeRow(Kind.BYTES, Types.BINARY, null, true, null, false, false, null, null, null),
            new TypeRow(Kind.DATE, Types.DATE, 13, true, null, false, false, null, null, 1),
            new TypeRow(Kind.TIME, Types.TIME, 15, true, null, false, false, 6, null, 2),
            new TypeRow(Kind.TIMESTAMP, Types.TIMESTAMP, 29, true, null, false, false, 6, null, 3),
            new TypeRow(Kind.TIMESTAMPTZ, Types.TIMESTAMP_WITH_TIMEZONE, 35, true, null, false, false, 6, null, 3),
            new TypeRow(Kind.UUID, Types.OTHER, 36, true, null, false, false, null, null, null),
            new TypeRow(Kind.JSON, Types.OTHER, null, true, null, true, false, null, null, null),
    }).sorted(Comparator.comparingInt(TypeRow::jdbcType)).toList();

    private FlightSqlTypeInfo() {
    }

    /** Every type, or only those of the JDBC type code the command asks for. */
    static void send(FlightSql.CommandGetXdbcTypeInfo command, BufferAllocator allocator, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(FlightSqlProducer.Schemas.GET_TYPE_INFO_SCHEMA, allocator)) {
            int row = 0;
            for (TypeRow t : ROWS) {
                if (!command.hasDataType() || command.getDataType() == t.jdbcType()) {
                    write(root, row++, t);
                }
            }
            root.setRowCount(row);
            listener.start(root);
            listener.putNext();
            listener.completed();
        }
    }

    private static void write(VectorSchemaRoot root, int row, TypeRow t) {
        String name = PostgresTypeNames.of(t.kind());
        text(root, "type_name", row, name);
        integer(root, "data_type", row, t.jdbcType());
        integer(root, "column_size", row, t.columnSize());
        text(root, "literal_prefix", row, t.quoted() ? "'" : null);
        text(root, "literal_suffix", row, t.quoted() ? "'" : null);
        ListVector params = (ListVector) root.getVector("create_params");
        if (t.createParams() != null) {
            UnionListWriter writer = params.getWriter();
            writer.setPosition(row);
            writer.startList();
            for (String p : t.createParams()) {
                byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
                try (org.apache.arrow.memory.ArrowBuf buf = params.getAllocator().buffer(bytes.length)) {
                    buf.setBytes(0, bytes);
                    writer.varChar().writeVarChar(0, bytes.length, buf);
                }
            }
            writer.endList();
        }
        integer(root, "nullable", row, java.sql.DatabaseMetaData.typeNullable);
        bool(root, "case_sensitive", row, t.caseSensitive());
        integer(root, "searchable", row, java.sql.DatabaseMetaData.typeSearchable);
        bool(root, "unsigned_attribute", row, false);
        bool(root, "fixed_prec_scale", row, t.fixedScale());
        bool(root, "auto_increment", row, false);
        text(root, "local_type_name", row, name);
        integer(root, "minimum_scale", row, t.maxScale() == null ? null : 0);
        integer(root, "maximum_scale", row, t.maxScale());
        integer(root, "sql_data_type", row, t.datetimeSubcode() != null ? SQL_DATETIME : t.jdbcType());
        integer(root, "datetime_subcode", row, t.datetimeSubcode());
        integer(root, "num_prec_radix", row, t.radix());
        integer(root, "interval_precision", row, null);
    }

    private static void text(VectorSchemaRoot root, String column, int row, String value) {
        VarCharVector v = (VarCharVector) root.getVector(column);
        if (value == null) {
            v.setNull(row);
        } else {
            v.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void integer(VectorSchemaRoot root, String column, int row, Integer value) {
        IntVector v = (IntVector) root.getVector(column);
        if (value == null) {
            v.setNull(row);
        } else {
            v.setSafe(row, value);
        }
    }

    private static void bool(VectorSchemaRoot root, String column, int row, boolean value) {
        ((BitVector) root.getVector(column)).setSafe(row, value ? 1 : 0);
    }
}
