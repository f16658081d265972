package io.rhei.server.pg;

import io.rhei.core.RheiException;
import io.rhei.core.config.Settings;
import io.rhei.core.model.Lsn;
import io.rhei.core.query.Freshness;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read-your-writes over the PostgreSQL protocol: {@code SET rhei.min_lsn = '16/B374D848'} makes every later query of
 * the session wait until changes up to that LSN are applied ({@code pg_current_wal_insert_lsn()} after the write,
 * as with Flight SQL's {@code rhei-min-lsn} header); {@code SET rhei.min_lsn_timeout = '5s'} bounds the wait
 * (default 10 s); {@code RESET} clears them.
 */
final class SessionFreshness {
    static final String MIN_LSN = "rhei.min_lsn";
    static final String MIN_LSN_TIMEOUT = "rhei.min_lsn_timeout";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern SET = Pattern.compile(
            "(?is)^\\s*set\\s+(?:session\\s+)?(rhei\\.min_lsn(?:_timeout)?)\\s*(?:=|\\s+to\\s+)\\s*'?([^';]*?)'?\\s*;?\\s*$");
    private static final Pattern RESET = Pattern.compile("(?is)^\\s*reset\\s+(rhei\\.min_lsn(?:_timeout)?|all)\\s*;?\\s*$");

    private final Freshness freshness;
    private long minLsn = -1;
    private Duration timeout = DEFAULT_TIMEOUT;

    SessionFreshness(Freshness freshness) {
        this.freshness = freshness;
    }

    /**
     * Applies a SET or RESET of Rhei's settings; false when {@code statement} is none of them (other settings are
     * accepted and ignored).
     *
     * @throws ExtendedQueryProtocol.ProtocolError for a value that is no LSN or duration (22023)
     */
    boolean apply(String statement) {
        Matcher set = SET.matcher(statement);
        if (set.matches()) {
            String name = set.group(1).toLowerCase(Locale.ROOT);
            String value = set.group(2).strip();
            try {
                if (name.equals(MIN_LSN)) {
                    minLsn = value.isEmpty() ? -1 : Lsn.parse(value);
                } else {
                    timeout = Settings.parseDuration(value);
                }
            } catch (IllegalArgumentException e) {
                throw new ExtendedQueryProtocol.ProtocolError(SqlStates.INVALID_PARAMETER_VALUE, "invalid value for parameter \""
                        + name + "\": \"" + value + "\" (" + e.getMessage() + ")");
            }
            return true;
        }
        Matcher reset = RESET.matcher(statement);
        if (reset.matches()) {
            String name = reset.group(1).toLowerCase(Locale.ROOT);
            if (!name.equals(MIN_LSN_TIMEOUT)) {
                minLsn = -1;
            }
            if (!name.equals(MIN_LSN)) {
                timeout = DEFAULT_TIMEOUT;
            }
            return true;
        }
        return false;
    }

    /** Waits, before a query, until the session's LSN is applied; a timeout fails the query with how far sync got. */
    void awaitBeforeQuery() {
        if (minLsn < 0) {
            return;
        }
        try {
            freshness.awaitApplied(minLsn, timeout);
        } catch (RheiException e) {
            throw new ExtendedQueryProtocol.ProtocolError(SqlStates.QUERY_CANCELED, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExtendedQueryProtocol.ProtocolError(SqlStates.QUERY_CANCELED, "interrupted while waiting for " + MIN_LSN);
        }
    }
}
