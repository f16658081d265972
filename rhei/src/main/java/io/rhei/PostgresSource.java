package io.rhei;

import io.rhei.cdc.PostgresSourceConfig;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The PostgreSQL database Rhei captures from: connection, tables and replication slot. Built with {@link #builder()};
 * every setting left out takes the default of its {@code source.*} key (README, Configuration).
 */
public final class PostgresSource {
    private final Map<String, String> keys;

    private PostgresSource(Map<String, String> keys) {
        this.keys = Map.copyOf(keys);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The source's keys as {@code source.*} settings. */
    Map<String, String> keys() {
        return keys;
    }

    public static final class Builder {
        private final Map<String, String> keys = new HashMap<>();

        private Builder() {
        }

        /** {@code jdbc:postgresql://host:port/database}; sets host, port and database. */
        public Builder jdbcUrl(String url) {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database): " + url);
            }
            URI uri = URI.create(url.substring("jdbc:".length()));
            if (uri.getHost() != null) {
                keys.put(PostgresSourceConfig.HOST.name(), uri.getHost());
            }
            if (uri.getPort() > 0) {
                keys.put(PostgresSourceConfig.PORT.name(), String.valueOf(uri.getPort()));
            }
            String db = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (!db.isEmpty()) {
                keys.put(PostgresSourceConfig.DATABASE.name(), db);
            }
            return this;
        }

        public Builder host(String host) {
            return set(PostgresSourceConfig.HOST.name(), host);
        }

        public Builder port(int port) {
            return set(PostgresSourceConfig.PORT.name(), String.valueOf(port));
        }

        public Builder database(String database) {
            return set(PostgresSourceConfig.DATABASE.name(), database);
        }

        public Builder user(String user) {
            return set(PostgresSourceConfig.USER.name(), user);
        }

        public Builder password(String password) {
            return set(PostgresSourceConfig.PASSWORD.name(), password);
        }

        /** Regular expressions of {@code schema.table} to capture, e.g. {@code public\\.(orders|customers)}. */
        public Builder tables(String include) {
            return set(PostgresSourceConfig.TABLES_INCLUDE.name(), include);
        }

        public Builder excludeTables(String exclude) {
            return set(PostgresSourceConfig.TABLES_EXCLUDE.name(), exclude);
        }

        /** The replication slot (and, unless set with {@link #publication}, the publication {@code slot_pub}). */
        public Builder slot(String slot) {
            return set(PostgresSourceConfig.SLOT.name(), slot);
        }

        public Builder publication(String publication) {
            return set(PostgresSourceConfig.PUBLICATION.name(), publication);
        }

        public Builder heartbeatInterval(Duration interval) {
            return set(PostgresSourceConfig.HEARTBEAT_INTERVAL.name(), interval.toMillis() + "ms");
        }

        /** Any other {@code source.*} key, as in the properties file. */
        public Builder set(String key, String value) {
            if (!key.startsWith("source.")) {
                throw new IllegalArgumentException("a source key starts with source., got " + key);
            }
            keys.put(key, Objects.requireNonNull(value, key));
            return this;
        }

        public PostgresSource build() {
            return new PostgresSource(keys);
        }
    }
}
