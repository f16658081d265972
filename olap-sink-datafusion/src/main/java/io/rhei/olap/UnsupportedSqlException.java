package io.rhei.olap;

/** SQL that parses but uses a construct Rhei does not execute: refused rather than answered wrongly. */
public class UnsupportedSqlException extends QueryException {
    public UnsupportedSqlException(String sql, String construct) {
        super(sql, "not supported yet: " + construct);
    }
}
