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
}
