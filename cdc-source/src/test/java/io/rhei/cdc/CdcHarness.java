package io.rhei.cdc;

import io.rhei.testing.EmbeddedPostgresServer;
import io.rhei.core.engine.SyncEngine;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.model.Row;
import io.rhei.core.model.RowKey;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.Column;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.testing.ReferenceSink;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads what PostgreSQL holds, as Rhei values, and applies a log to a reference sink, for comparisons. */
final class CdcHarness {
    private CdcHarness() {
    }

    static Map<RowKey, Row> pgRows(Connection c, TableSchema schema) throws SQLException {
        Map<RowKey, Row> out = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + schema.table())) {
            while (rs.next()) {
                Object[] v = new Object[schema.columnCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = value(rs, schema.column(i));
                }
                Row row = Row.wrap(v);
                out.put(schema.keyOf(row), row);
            }
        }
        return out;
    }

    static Object value(ResultSet rs, Column col) throws SQLException {
        String n = col.name();
        Object v = switch (col.type().kind()) {
            case BOOLEAN -> rs.getBoolean(n);
            case INT16 -> rs.getShort(n);
            case INT32 -> rs.getInt(n);
            case INT64 -> rs.getLong(n);
            case FLOAT32 -> rs.getFloat(n);
            case FLOAT64 -> rs.getDouble(n);
            case DECIMAL -> {
                BigDecimal d = rs.getBigDecimal(n);
                yield d == null ? null : d.setScale(col.type().scale());
            }
            case TEXT, JSON, CHAR -> rs.getString(n);
            case BYTES -> rs.getBytes(n);
            case DATE -> rs.getObject(n, LocalDate.class);
            case TIME -> rs.getObject(n, LocalTime.class);
            case TIMESTAMP -> rs.getObject(n, LocalDateTime.class);
            case TIMESTAMPTZ -> {
                OffsetDateTime o = rs.getObject(n, OffsetDateTime.class);
                yield o == null ? null : o.toInstant();
            }
            case UUID -> rs.getObject(n, UUID.class);
        };
        return rs.wasNull() ? null : v;
    }

    /** Runs a sync engine over the whole log into a fresh reference sink. */
    static ReferenceSink applyAll(ChangeLog log) throws InterruptedException {
        ReferenceSink sink = new ReferenceSink();
        SyncEngine.builder(log, sink).build().runUntil(log.lastSeq());
        return sink;
    }

    static void dropSlot(EmbeddedPostgresServer pg, String slot) {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            // The walsender of a just-closed source may still hold the slot for a moment.
            st.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active_pid IS NOT NULL");
            for (int attempt = 0; ; attempt++) {
                try {
                    st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
                    return;
                } catch (SQLException e) {
                    if (attempt == 50) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        } catch (SQLException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where two id sequences first differ, to make an ordering failure readable. */
    static String firstDifference(List<Long> expected, List<Long> actual) {
        int n = Math.min(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                return "sizes " + expected.size() + " vs " + actual.size() + "; first difference at index " + i + ": expected "
                        + expected.subList(i, Math.min(n, i + 5)) + " but log has " + actual.subList(i, Math.min(n, i + 5));
            }
        }
        return "sizes " + expected.size() + " vs " + actual.size() + (expected.size() == actual.size() ? " (equal)" : "");
    }

    static TableId table(String qualified) {
        return TableId.parse(qualified);
    }
}
