package io.rhei.server.pg;

/**
 * The session's transaction status as ReadyForQuery reports it: idle, in a transaction block (BEGIN), or in a
 * failed one, where PostgreSQL refuses every command until COMMIT or ROLLBACK ends the block. Rhei's copy is
 * read-only, so a block holds nothing but this status; clients such as pgjdbc rely on it.
 */
final class Transaction {
    static final char IDLE = 'I';
    static final char IN_BLOCK = 'T';
    static final char FAILED = 'E';

    private char status = IDLE;

    char status() {
        return status;
    }

    boolean inBlock() {
        return status != IDLE;
    }

    boolean failed() {
        return status == FAILED;
    }

    /** Applies a session statement's effect; returns the tag to answer with (COMMIT of a failed block is a ROLLBACK). */
    String apply(String tag) {
        switch (tag) {
            case "BEGIN" -> {
                if (status == IDLE) {
                    status = IN_BLOCK;
                }
            }
            case "COMMIT" -> {
                boolean wasFailed = status == FAILED;
                status = IDLE;
                return wasFailed ? "ROLLBACK" : tag;
            }
            case "ROLLBACK" -> status = IDLE;
            default -> {
            }
        }
        return tag;
    }

    /** A statement failed: inside a block, the block is now failed. */
    void fail() {
        if (status == IN_BLOCK) {
            status = FAILED;
        }
    }

    /** Refuses a statement with {@code tag} (null: a query) in a failed block, as PostgreSQL does (25P02). */
    void requireRunnable(String tag) {
        if (status == FAILED && !"COMMIT".equals(tag) && !"ROLLBACK".equals(tag)) {
            throw new ExtendedQueryProtocol.ProtocolError(SqlStates.IN_FAILED_TRANSACTION,
                    "current transaction is aborted, commands ignored until end of transaction block");
        }
    }
}
