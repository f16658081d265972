package io.rhei.server;

import io.rhei.core.RheiException;
import io.rhei.core.config.ConfigKey;
import io.rhei.core.config.Settings;
import io.rhei.core.config.TlsFiles;

import java.util.List;

/**
 * Where the query and metrics servers listen, and who may query.
 *
 * @param credentials null when {@code server.auth=none}
 * @param tls         null when the servers speak plain TCP
 */
public record ServerConfig(String host, int port, FlightSqlQueryServer.Credentials credentials, String metricsHost, int metricsPort,
                           int pgPort, TlsFiles tls) {
    public static final ConfigKey HOST = ConfigKey.of("server.host", "127.0.0.1", "Flight SQL address");
    public static final ConfigKey PORT = ConfigKey.of("server.port", "47470", "Flight SQL port (0: any free port)");
    public static final ConfigKey USER = ConfigKey.of("server.user", "rhei", "the user Flight SQL clients authenticate as");
    public static final ConfigKey PASSWORD = ConfigKey.of("server.password", "",
            "their password, better from `RHEI_SERVER_PASSWORD` or `server.password-file`; required unless `server.auth=none`");
    public static final ConfigKey PASSWORD_FILE = ConfigKey.of("server.password-file", "", "a file holding that password");
    public static final ConfigKey AUTH = ConfigKey.of("server.auth", "password", "`password`, or `none` (loopback demos only)");
    public static final ConfigKey METRICS_HOST = ConfigKey.of("metrics.host", "127.0.0.1", "`/metrics` and `/health` address");
    public static final ConfigKey METRICS_PORT = ConfigKey.of("metrics.port", "9464", "`/metrics`, `/health` (readiness) and `/live` (liveness) port (0: any free port)");
    public static final ConfigKey PG_PORT = ConfigKey.of("server.pg-port", "5433",
            "PostgreSQL protocol port (psql, PostgreSQL drivers; the same address and user as Flight SQL); 0 turns it off");
    public static final ConfigKey TLS_CERT = ConfigKey.of("server.tls.cert", "",
            "a PEM certificate chain: Flight SQL and the PostgreSQL protocol then speak TLS (with `server.tls.key`)");
    public static final ConfigKey TLS_KEY = ConfigKey.of("server.tls.key", "", "the PEM (PKCS#8) private key of that certificate");
    public static final List<ConfigKey> KEYS = List.of(HOST, PORT, PG_PORT, USER, PASSWORD, PASSWORD_FILE, AUTH, TLS_CERT, TLS_KEY,
            METRICS_HOST, METRICS_PORT);

    public static ServerConfig from(Settings s) {
        return new ServerConfig(s.getString(HOST), s.getInt(PORT), credentials(s), s.getString(METRICS_HOST), s.getInt(METRICS_PORT),
                s.getInt(PG_PORT), TlsFiles.of(s.getString(TLS_CERT), s.getString(TLS_KEY)));
    }

    private static FlightSqlQueryServer.Credentials credentials(Settings s) {
        String auth = s.getString(AUTH);
        if (auth.equals("none")) {
            return null;
        }
        if (!auth.equals("password")) {
            throw new RheiException("server.auth must be 'password' or 'none', got '" + auth + "'");
        }
        String password = s.secret(PASSWORD, PASSWORD_FILE);
        if (password == null || password.isEmpty()) {
            throw new RheiException("set server.password (or RHEI_SERVER_PASSWORD, or server.password-file), or server.auth=none");
        }
        return new FlightSqlQueryServer.Credentials(s.getString(USER), password);
    }
}
