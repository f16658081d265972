package io.rhei.cdc;

import io.rhei.cdc.CopyBinaryDecoder.Wire;
import io.rhei.core.model.SqlIdentifiers;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.ColumnType.Kind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the bulk snapshot reads one table: the select list of its COPY and each column's wire format, from the
 * PostgreSQL type of each column in {@code pg_attribute}. Types Rhei keeps as text whose text Debezium streams as
 * PostgreSQL prints it (enums, citext, inet, ...) are selected as that text; a type whose streamed form differs from
 * PostgreSQL's text (interval, hstore, ...) makes the table unreadable this way, and the snapshot falls back to
 * Debezium's (said in the log).
 */
record BulkSnapshotColumns(TableId table, List<Column> columns, Wire[] wires, String selectList) {
    private static final Map<String, Wire> BINARY = Map.ofEntries(Map.entry("bool", Wire.BOOL), Map.entry("int2", Wire.INT2),
            Map.entry("int4", Wire.INT4), Map.entry("int8", Wire.INT8), Map.entry("oid", Wire.OID), Map.entry("float4", Wire.FLOAT4),
            Map.entry("float8", Wire.FLOAT8), Map.entry("numeric", Wire.NUMERIC), Map.entry("text", Wire.TEXT),
            Map.entry("varchar", Wire.TEXT), Map.entry("bpchar", Wire.TEXT), Map.entry("name", Wire.TEXT), Map.entry("json", Wire.TEXT),
            Map.entry("jsonb", Wire.JSONB), Map.entry("bytea", Wire.BYTEA), Map.entry("date", Wire.DATE), Map.entry("time", Wire.TIME),
            Map.entry("timestamp", Wire.TIMESTAMP), Map.entry("timestamptz", Wire.TIMESTAMPTZ), Map.entry("uuid", Wire.UUID));
    /** Types whose streamed value is PostgreSQL's text output. */
    private static final Set<String> AS_TEXT = Set.of("citext", "inet", "cidr", "macaddr", "macaddr8", "xml", "ltree");

    /** The Rhei kind each wire format decodes to (text-like wires serve every text kind). */
    private static boolean fits(Wire wire, Kind kind) {
        return switch (wire) {
            case TEXT, JSONB -> kind == Kind.TEXT || kind == Kind.CHAR || kind == Kind.JSON;
            case BOOL -> kind == Kind.BOOLEAN;
            case INT2 -> kind == Kind.INT16;
            case INT4 -> kind == Kind.INT32;
            case INT8, OID -> kind == Kind.INT64;
            case FLOAT4 -> kind == Kind.FLOAT32;
            case FLOAT8 -> kind == Kind.FLOAT64;
            case NUMERIC -> kind == Kind.DECIMAL;
            case BYTEA -> kind == Kind.BYTES;
            case DATE -> kind == Kind.DATE;
            case TIME -> kind == Kind.TIME;
            case TIMESTAMP -> kind == Kind.TIMESTAMP;
            case TIMESTAMPTZ -> kind == Kind.TIMESTAMPTZ;
            case UUID -> kind == Kind.UUID;
        };
    }

    /** How to read {@code table} with these columns, or why it cannot be read by COPY. */
    static Readable plan(Connection c, TableId table, List<Column> columns) throws SQLException {
        Map<String, String[]> types = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, t.typname, t.typtype FROM pg_attribute a JOIN pg_type t "
                + "ON t.oid = a.atttypid WHERE a.attrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND a.attnum > 0 "
                + "AND NOT a.attisdropped")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), new String[]{rs.getString(2), rs.getString(3)});
                }
            }
        }
        Wire[] wires = new Wire[columns.size()];
        StringBuilder select = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            Column col = columns.get(i);
            String[] type = types.get(col.name());
            if (type == null) {
                return new Readable(Optional.empty(), "column " + table + "." + col.name() + " is not in the catalog");
            }
            boolean asText = "e".equals(type[1]) || AS_TEXT.contains(type[0]);
            Wire wire = asText ? Wire.TEXT : BINARY.get(type[0]);
            if (wire == null || !fits(wire, col.type().kind())) {
                return new Readable(Optional.empty(), "column " + table + "." + col.name() + " has type " + type[0]
                        + ", which the bulk snapshot does not read");
            }
            wires[i] = wire;
            if (i > 0) {
                select.append(", ");
            }
            String name = SqlIdentifiers.quote(col.name());
            // format('%s') prints with the type's output function, which is what the stream carries; ::text is not
            // always that (inet's cast to text keeps a /32 its output leaves out)
            select.append(asText ? "CASE WHEN " + name + " IS NULL THEN NULL ELSE format('%s', " + name + ") END" : name);
        }
        return new Readable(Optional.of(new BulkSnapshotColumns(table, columns, wires, select.toString())), "");
    }

    /** The plan, or the reason there is none. */
    record Readable(Optional<BulkSnapshotColumns> columns, String problem) {
    }
}
