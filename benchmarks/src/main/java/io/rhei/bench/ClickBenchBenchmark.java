package io.rhei.bench;

import io.rhei.core.schema.TableSchema;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.QueryResults;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import io.rhei.testing.LocalResources;
import org.apache.arrow.memory.RootAllocator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * ClickBench's 43 queries over a generated {@code hits} table ({@link ClickBenchDataset}): Rhei against DuckDB, both in
 * memory, then Rhei on local Vortex files against DuckDB on its own database file. Times are the median of three runs
 * after a warm-up, with every query planned anew (no plan reuse); a query Rhei refuses is listed with its reason and
 * left out of the geometric means. Answers without LIMIT are compared with DuckDB's as sorted rows.
 */
final class ClickBenchBenchmark {
    private static final int RUNS = 3;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final Report report;
    private final long rows;

    ClickBenchBenchmark(Report report, long rows) {
        this.report = report;
        this.rows = rows;
    }

    void run() throws Exception {
        report.section(String.format(Locale.ROOT, "ClickBench-style: %,d generated hits rows (105 columns), Rhei vs DuckDB %s, median of %d runs, "
                + "every query planned anew", rows, OlapBenchmark.duckDbVersion(), RUNS));
        Path dir = Files.createTempDirectory("rhei-bench-clickbench");
        ClickBenchDataset data = new ClickBenchDataset(rows);
        TableSchema schema = ClickBenchDataset.schema();
        NativeQueryOptions noPlanReuse = NativeQueryOptions.defaults().withPlanCacheSize(0);
        try (RootAllocator root = new RootAllocator();
             DataFusionOlapEngine memory = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), noPlanReuse);
             DataFusionOlapEngine vortex = new DataFusionOlapEngine(
                     new StorageConfig(dir.resolve("vortex").toString(), 16, 1_000_000, 0.5, Duration.ZERO, null, null).open(root), noPlanReuse);
             Connection duckMemory = DriverManager.getConnection("jdbc:duckdb:");
             Connection duckFile = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("hits.duckdb"))) {
            long t0 = System.nanoTime();
            data.load(memory, 100_000);
            report.line(String.format(Locale.ROOT, "loaded Rhei in memory in %.1f s", (System.nanoTime() - t0) / 1e9));
            t0 = System.nanoTime();
            data.load(vortex, 250_000);
            report.line(String.format(Locale.ROOT, "loaded Rhei on local Vortex in %.1f s", (System.nanoTime() - t0) / 1e9));
            t0 = System.nanoTime();
            Path tsv = dir.resolve("hits.tsv");
            writeTsv(data, schema, tsv);
            for (Connection duck : List.of(duckMemory, duckFile)) {
                try (Statement st = duck.createStatement()) {
                    st.execute(ClickBenchDataset.createTable());
                    // empty text fields are empty strings, not NULLs: every column is NOT NULL
                    st.execute("COPY hits FROM '" + tsv + "' (DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '', NULLSTR '\\N')");
                    st.execute("CHECKPOINT");
                }
            }
            Files.delete(tsv);
            report.line(String.format(Locale.ROOT, "loaded DuckDB in memory and into its file in %.1f s", (System.nanoTime() - t0) / 1e9));
            report.line(String.format(Locale.ROOT, "%-4s %12s %12s %10s %12s %12s %10s  %s", "q", "Rhei mem ms", "DuckDB mem", "ratio",
                    "Rhei Vortex", "DuckDB file", "ratio", "answer"));
            List<String> queries = ClickBenchDataset.queries();
            // a server runs warm: every query once through each engine before anything is timed (JIT, statistics),
            for (String sql : queries) {
                for (DataFusionOlapEngine engine : List.of(memory, vortex)) {
                    try {
                        OlapBenchmark.rheiQuery(engine, root, sql);
                    } catch (RuntimeException e) {
                        // reported below, where it is timed
                    }
                }
            }
            // and the planner past the JIT's compilation of Calcite, as in the TPC-H benchmark (PLANNING_WARM_UP_ROUNDS)
            io.rhei.olap.sql.SqlPlanner planner = new io.rhei.olap.sql.SqlPlanner(memory.storage());
            for (int round = 0; round < OlapBenchmark.PLANNING_WARM_UP_ROUNDS; round++) {
                for (String sql : queries) {
                    try {
                        planner.plan(sql, root);
                    } catch (RuntimeException e) {
                        // reported below, where it is timed
                    }
                }
            }
            double logMemory = 0;
            double logFile = 0;
            int timed = 0;
            int compared = 0;
            int equal = 0;
            List<String> refused = new ArrayList<>();
            for (int q = 0; q < queries.size(); q++) {
                String sql = queries.get(q);
                double rm;
                double rv;
                try {
                    rm = median(() -> OlapBenchmark.rheiQuery(memory, root, sql));
                    rv = median(() -> OlapBenchmark.rheiQuery(vortex, root, sql));
                } catch (RuntimeException e) {
                    refused.add("Q" + q + ": " + firstLine(e.getMessage()));
                    report.line(String.format(Locale.ROOT, "Q%-3d refused by Rhei: %s", q, firstLine(e.getMessage())));
                    continue;
                }
                double dm = median(() -> OlapBenchmark.jdbcQuery(duckMemory, sql));
                double df = median(() -> OlapBenchmark.jdbcQuery(duckFile, sql));
                String answer = "";
                if (!sql.toUpperCase(Locale.ROOT).contains("LIMIT")) {
                    compared++;
                    String difference = difference(rheiRows(memory, root, sql), duckRows(duckMemory, sql));
                    answer = difference == null ? "equal" : "DIFFERS: " + difference;
                    equal += difference == null ? 1 : 0;
                }
                logMemory += Math.log(rm / dm);
                logFile += Math.log(rv / df);
                timed++;
                report.line(String.format(Locale.ROOT, "Q%-3d %12.1f %12.1f %10.2f %12.1f %12.1f %10.2f  %s", q, rm, dm, rm / dm, rv, df, rv / df,
                        answer));
            }
            double geoMemory = Math.exp(logMemory / timed);
            double geoFile = Math.exp(logFile / timed);
            report.line(String.format(Locale.ROOT, "geometric mean Rhei/DuckDB over %d queries: in memory %.2f (target <= 1.0: %s), "
                    + "Vortex vs DuckDB's file %.2f", timed, geoMemory, geoMemory <= 1.0 ? "OK" : "MISSED", geoFile));
            report.line(String.format(Locale.ROOT, "answers compared with DuckDB's (queries without LIMIT): %d of %d equal", equal, compared));
            report.line(refused.isEmpty() ? "refused by Rhei: none" : "refused by Rhei: " + refused.size() + " (" + String.join("; ", refused) + ")");
        } finally {
            LocalResources.deleteTree(dir);
        }
    }

    private static void writeTsv(ClickBenchDataset data, TableSchema schema, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            StringBuilder sb = new StringBuilder();
            data.rows(v -> {
                sb.setLength(0);
                for (int i = 0; i < v.length; i++) {
                    if (i > 0) {
                        sb.append('\t');
                    }
                    sb.append(v[i] instanceof LocalDateTime t ? TIMESTAMP.format(t) : String.valueOf(v[i]));
                }
                sb.append('\n');
                try {
                    w.write(sb.toString());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private interface Timed {
        long run() throws Exception;
    }

    private static double median(Timed t) {
        try {
            t.run();
            double[] ms = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                t.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return ms[RUNS / 2];
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static List<String> rheiRows(DataFusionOlapEngine rhei, RootAllocator root, String sql) {
        List<String> out = new ArrayList<>();
        for (List<Object> row : QueryResults.read(rhei.query(sql, root)).rows()) {
            out.add(normalized(row));
        }
        out.sort(null);
        return out;
    }

    private static List<String> duckRows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(cols);
                for (int i = 1; i <= cols; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(normalized(row));
            }
        }
        out.sort(null);
        return out;
    }

    /** A row as text both engines agree on: numbers to 10 significant digits, times without a zone, dates as dates. */
    private static String normalized(List<Object> row) {
        StringBuilder sb = new StringBuilder();
        for (Object v : row) {
            Object x = v;
            if (v instanceof java.sql.Timestamp t) {
                x = t.toLocalDateTime();
            } else if (v instanceof java.sql.Date d) {
                x = d.toLocalDate();
            } else if (v instanceof Number n && !(v instanceof BigDecimal)) {
                x = new BigDecimal(n.toString());
            }
            if (x instanceof BigDecimal d) {
                x = d.round(new MathContext(10)).stripTrailingZeros().toPlainString();
            }
            sb.append(x).append('|');
        }
        return sb.toString();
    }

    private static String difference(List<String> rhei, List<String> duck) {
        if (rhei.size() != duck.size()) {
            return rhei.size() + " rows where DuckDB has " + duck.size();
        }
        for (int i = 0; i < rhei.size(); i++) {
            if (!rhei.get(i).equals(duck.get(i))) {
                return rhei.get(i) + " where DuckDB has " + duck.get(i);
            }
        }
        return null;
    }
}
