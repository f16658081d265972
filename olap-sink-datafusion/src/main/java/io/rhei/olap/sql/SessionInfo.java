package io.rhei.olap.sql;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a read-only PostgreSQL-17-compatible server answers to the probes clients send on connect
 * ({@code version()}, {@code current_setting('server_version_num')}, {@code SHOW TimeZone}...). The session time
 * zone is UTC: timestamptz values are shown and truncated in UTC.
 */
public final class SessionInfo {
    static final String SERVER_VERSION = "17.0";
    public static final String VERSION = "PostgreSQL " + SERVER_VERSION + " (Rhei, a read-only analytical copy; DataFusion over JNI)"
            + " on x86_64-pc-linux-gnu, 64-bit";
    public static final String DATABASE = "rhei";
    public static final String USER = "rhei";
    public static final String TIME_ZONE = "UTC";

    /** Settings by lower-case name, as {@code current_setting} and {@code SHOW} give them. */
    private static final Map<String, String> SETTINGS = Map.ofEntries(
            Map.entry("server_version", SERVER_VERSION),
            Map.entry("server_version_num", "170000"),
            Map.entry("server_encoding", "UTF8"),
            Map.entry("client_encoding", "UTF8"),
            Map.entry("timezone", TIME_ZONE),
            Map.entry("datestyle", "ISO, MDY"),
            Map.entry("intervalstyle", "postgres"),
            Map.entry("integer_datetimes", "on"),
            Map.entry("standard_conforming_strings", "on"),
            Map.entry("search_path", "\"$user\", public"),
            Map.entry("transaction_isolation", "read committed"),
            Map.entry("transaction_read_only", "on"),
            Map.entry("default_transaction_read_only", "on"),
            Map.entry("max_identifier_length", "63"),
            Map.entry("lc_collate", "C.UTF-8"),
            Map.entry("lc_ctype", "C.UTF-8"),
            Map.entry("application_name", ""),
            Map.entry("is_superuser", "off"));

    /** Every setting by lower-case name, for pg_settings. */
    public static Map<String, String> settings() {
        return new java.util.TreeMap<>(SETTINGS);
    }

    private SessionInfo() {
    }

    public static Optional<String> setting(String name) {
        return Optional.ofNullable(SETTINGS.get(name.toLowerCase(Locale.ROOT)));
    }
}
