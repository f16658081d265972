package io.rhei.core.model;

/**
 * One entry of the change log: a row change or a table's new schema. Both carry the source position the
 * log de-duplicates by and the sequence number the log assigns at append ({@link #UNSEQUENCED} before).
 */
public sealed interface LogRecord permits ChangeEvent, SchemaChange {
    /** The sequence number of a record not yet appended. Real ones start at 1. */
    long UNSEQUENCED = 0;

    long seq();

    TableId table();

    SourcePosition position();

    /** This record with the sequence number the log assigned. */
    LogRecord withSeq(long seq);
}
