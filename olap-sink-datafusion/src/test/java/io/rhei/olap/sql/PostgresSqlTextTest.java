package io.rhei.olap.sql;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rewrites of PostgreSQL spellings in SQL text: only in code, never inside string literals. */
class PostgresSqlTextTest {
    @Test
    void psqlsQualifiedOperatorsAndDefaultCollationBecomePlainSql() {
        assertEquals("SELECT 1 FROM pg_class c WHERE c.relname  ~  '^(orders)$'   AND true",
                PostgresSqlText.rewrite("SELECT 1 FROM pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(orders)$' COLLATE pg_catalog.default AND true"));
    }

    @Test
    void stringLiteralsAreLeftAlone() {
        String sql = "SELECT 'x OPERATOR(pg_catalog.~) y COLLATE pg_catalog.default' AS s";
        assertEquals(sql, PostgresSqlText.rewrite(sql));
    }

    @Test
    void comparisonsWithAnArrayLiteralBecomeInLists() {
        assertEquals("SELECT word FROM t WHERE word  NOT IN ('a', 'abs', 'it''s')",
                PostgresSqlText.rewrite("SELECT word FROM t WHERE word <> ALL ('{a,abs,it''s}'::text[])"));
        assertEquals("SELECT w FROM t WHERE w  NOT IN ('null', 'a,b', 'x')",
                PostgresSqlText.rewrite("SELECT w FROM t WHERE w <> ALL ('{\"null\",\"a,b\", x }'::text[])"));
        assertEquals("SELECT 1 FROM t WHERE id  IN (1, 2)", PostgresSqlText.rewrite("SELECT 1 FROM t WHERE id = ANY ('{1, 2}'::int8[])"));
        // = ALL and <> ANY are not IN lists; NULL elements and empty arrays are left for the parser to refuse
        String all = "SELECT 1 FROM t WHERE id = ALL ('{1}'::int8[])";
        assertEquals(all, PostgresSqlText.rewrite(all));
        String withNull = "SELECT 1 FROM t WHERE id = ANY ('{1,NULL}'::int8[])";
        assertEquals(withNull, PostgresSqlText.rewrite(withNull));
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 3000; i++) {
            many.append(i > 0 ? "," : "").append("w").append(i);
        }
        String rewritten = PostgresSqlText.rewrite("SELECT 1 FROM t WHERE w <> ALL ('" + many + "}'::text[])");
        assertEquals(true, rewritten.contains("NOT IN ('w0', 'w1'") && !rewritten.contains("[]"), rewritten.substring(0, 80));
    }

    @Test
    void theSearchPathAsPgjdbcReadsIt() {
        assertEquals("SELECT s.r, (CASE s.r WHEN 1 THEN 'public' END) AS nspname FROM (VALUES (1)) AS s(r)",
                PostgresSqlText.rewrite("SELECT s.r, (current_schemas(false))[s.r] AS nspname FROM generate_series(1, array_upper(current_schemas(false), 1)) AS s(r)"));
        assertEquals("SELECT 'pg_catalog'", PostgresSqlText.rewrite("SELECT (current_schemas(true))[1]"));
    }
}
