package io.rhei.bench;

import io.rhei.core.model.Row;
import io.rhei.core.model.TableId;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;
import io.rhei.core.sink.RowChange;
import io.rhei.core.sink.TableChangeBatch;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.server.FlightSqlQueryServer;
import io.rhei.server.pg.PgWireServer;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import io.rhei.testing.EmbeddedPostgresServer;
import org.apache.arrow.memory.RootAllocator;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Rows per second of one large SELECT read to the end by a JDBC client: over Rhei's PostgreSQL protocol (pgjdbc,
 * binary results, a cursor with a fetch size), over Flight SQL (its JDBC driver), and from PostgreSQL itself
 * serving the same rows to pgjdbc, the baseline. Each read runs twice; the better run counts.
 */
final class ProtocolBenchmark {
    private static final String QUERY = "SELECT id, v, d, s FROM wide";
    private final Report report;
    private final int rows;

    ProtocolBenchmark(Report report, int rows) {
        this.report = report;
        this.rows = rows;
    }

    void run() throws Exception {
        report.line("");
        report.line("protocol: " + QUERY + " over " + rows + " rows (id int8, v int4, d numeric(12,2), s text), read to the end by JDBC");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(); RootAllocator root = new RootAllocator()) {
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE wide (id int8 PRIMARY KEY, v int4, d numeric(12,2), s text)");
                st.execute("INSERT INTO wide SELECT i, (i % 1000)::int4, (i % 100000) / 100.0, 'row ' || i FROM generate_series(1, " + rows + ") i");
                st.execute("VACUUM ANALYZE wide");
            }
            try (DataFusionOlapEngine engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults())) {
                load(engine);
                try (PgWireServer pgwire = PgWireServer.start(engine, root, "127.0.0.1", 0, PgWireServer.Auth.NONE);
                     FlightSqlQueryServer flight = FlightSqlQueryServer.start(engine, root, "127.0.0.1", 0, null)) {
                    double postgres = best(() -> pgjdbc("jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres", "postgres"));
                    double rheiPg = best(() -> pgjdbc("jdbc:postgresql://127.0.0.1:" + pgwire.port() + "/rhei", "rhei"));
                    double rheiFlight = best(() -> flight("jdbc:arrow-flight-sql://127.0.0.1:" + flight.port() + "?useEncryption=false"));
                    report.ratio("Rhei, PostgreSQL protocol", rheiPg, "rows/s", "PostgreSQL", postgres, rheiPg / postgres, ">= 1.0x", rheiPg >= postgres);
                    report.ratio("Rhei, Flight SQL", rheiFlight, "rows/s", "PostgreSQL", postgres, rheiFlight / postgres, "(reported)", true);
                }
            }
        }
    }

    private void load(DataFusionOlapEngine engine) {
        TableSchema schema = TableSchema.builder(TableId.parse("public.wide")).key("id", ColumnType.INT64).column("v", ColumnType.INT32)
                .column("d", ColumnType.decimal(12, 2)).column("s", ColumnType.TEXT).build();
        engine.ensureTable(schema, 1);
        int chunk = 1_000_000;
        long seq = 2;
        for (int from = 1; from <= rows; from += chunk) {
            List<RowChange> changes = new ArrayList<>(chunk);
            for (long i = from; i < from + chunk && i <= rows; i++) {
                changes.add(RowChange.insert(Row.of(i, (int) (i % 1000), BigDecimal.valueOf(i % 100_000, 2), "row " + i), seq));
            }
            engine.apply(new TableChangeBatch(schema, false, changes, seq, seq, changes.size()));
            seq++;
        }
    }

    private interface Read {
        long rows() throws SQLException;
    }

    /** Rows per second of the better of two reads. */
    private double best(Read read) throws SQLException {
        double best = 0;
        for (int i = 0; i < 2; i++) {
            long t0 = System.nanoTime();
            long n = read.rows();
            double rate = n / ((System.nanoTime() - t0) / 1e9);
            if (n != rows) {
                throw new IllegalStateException("read " + n + " rows of " + rows);
            }
            best = Math.max(best, rate);
        }
        return best;
    }

    /** pgjdbc as a BI tool reading a large result would: binary format, a cursor, 10,000 rows a fetch. */
    private long pgjdbc(String url, String user) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("prepareThreshold", "-1");
        try (Connection c = DriverManager.getConnection(url, p)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(QUERY)) {
                ps.setFetchSize(10_000);
                return consume(ps.executeQuery());
            } finally {
                c.commit();
            }
        }
    }

    private long flight(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            return consume(st.executeQuery(QUERY));
        }
    }

    private static long consume(ResultSet rs) throws SQLException {
        long n = 0;
        long check = 0;
        try (rs) {
            while (rs.next()) {
                check += rs.getLong(1) + rs.getInt(2) + rs.getBigDecimal(3).scale() + rs.getString(4).length();
                n++;
            }
        }
        if (check == 0) {
            throw new IllegalStateException("nothing read");
        }
        return n;
    }
}
