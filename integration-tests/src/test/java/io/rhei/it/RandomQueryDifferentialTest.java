package io.rhei.it;

import io.rhei.olap.UnsupportedSqlException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random queries ({@link RandomQueries}) run on PostgreSQL and on Rhei over the same data: each must give the same
 * rows under the same names, or fail on both (a division by zero, an overflow), or be refused by Rhei with the
 * construct named. Anything else fails the test with the query printed. {@code -Drhei.it.random.queries=N} and
 * {@code -Drhei.it.random.seed=S} run more or other queries (the README's long run).
 */
class RandomQueryDifferentialTest {
    private static final Logger LOG = LoggerFactory.getLogger(RandomQueryDifferentialTest.class);
    private static ComparedEngines engines;
    private static Connection pg;
    private static int invalid;

    @BeforeAll
    static void load() throws SQLException {
        engines = ComparedEngines.start();
        pg = engines.pg().connect();
        DifferentialData.loadAll(pg, engines.rhei());
    }

    @AfterAll
    static void close() throws SQLException {
        if (pg != null) {
            pg.close();
        }
        if (engines != null) {
            engines.close();
        }
    }

    @Test
    void randomQueriesAnswerAsPostgresDoes() {
        int count = Integer.getInteger("rhei.it.random.queries", 2000);
        long seed = Long.getLong("rhei.it.random.seed", 20261201L);
        RandomQueries generator = new RandomQueries(seed);
        List<String> failures = new ArrayList<>();
        Map<String, Integer> refusals = new TreeMap<>();
        int same = 0;
        int bothFailed = 0;
        List<String> overflowOnly = new ArrayList<>();
        invalid = 0;
        for (int i = 0; i < count; i++) {
            String sql = generator.next();
            Results.Table expected = null;
            String pgError = null;
            try {
                expected = Results.postgresTable(pg, sql);
            } catch (SQLException e) {
                pgError = e.getMessage().lines().findFirst().orElse("");
                if (e.getSQLState() != null && e.getSQLState().startsWith("42")) {
                    invalid++; // not a valid PostgreSQL query (no such function, type mismatch): nothing to compare
                    continue;
                }
            }
            Results.Table got;
            try {
                got = Results.rheiTable(engines.rhei(), engines.root(), sql);
            } catch (UnsupportedSqlException e) {
                String construct = e.getMessage().replaceFirst(" \\[query:.*", "");
                refusals.merge(construct, 1, Integer::sum);
                continue;
            } catch (RuntimeException | AssertionError e) {
                if (pgError != null) {
                    bothFailed++;
                } else if (String.valueOf(e.getMessage()).contains("value out of range")) {
                    // Rhei's bigint arithmetic overflowed where PostgreSQL's numeric did not: an error, not an answer
                    overflowOnly.add(sql);
                } else {
                    failures.add(sql + "\n    Rhei failed where PostgreSQL answered: " + e.getMessage());
                }
                continue;
            }
            if (pgError != null) {
                if (pgError.contains("out of range")) {
                    // PostgreSQL overflowed on a row that Rhei's plan never computed (Calcite drops a predicate it
                    // proves false, such as an empty BETWEEN, without evaluating it): logged, and bounded below
                    overflowOnly.add(sql);
                } else {
                    failures.add(sql + "\n    Rhei answered where PostgreSQL raised: " + pgError);
                }
                continue;
            }
            try {
                if (!expected.columns().equals(got.columns())) {
                    throw new AssertionError("column names: PostgreSQL " + expected.columns() + ", Rhei " + got.columns());
                }
                Results.assertSame(sql, expected.rows(), got.rows());
                same++;
            } catch (AssertionError e) {
                String m = e.getMessage();
                failures.add(sql + "\n    different answer: " + (m.length() > 600 ? m.substring(0, 600) + "..." : m));
            }
        }
        int refused = refusals.values().stream().mapToInt(Integer::intValue).sum();
        LOG.info("{} random queries (seed {}): {} same answer, {} failed on both, {} refused, {} different, {} invalid for PostgreSQL",
                count, seed, same, bothFailed, refused, failures.size(), invalid);
        refusals.forEach((construct, n) -> LOG.info("  refused {} times: {}", n, construct));
        overflowOnly.forEach(q -> LOG.info("  an integer overflow on one side only: {}", q));
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + count + " random queries differ from PostgreSQL, the first ones:\n"
                    + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
        }
        // a generator whose queries Rhei mostly refuses would prove nothing
        assertTrue(refused < count / 5, refused + " of " + count + " queries refused: " + refusals);
        assertTrue(overflowOnly.size() < count / 100, "overflows on one side only: " + overflowOnly);
    }
}
