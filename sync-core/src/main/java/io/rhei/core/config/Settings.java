package io.rhei.core.config;

import io.rhei.core.RheiException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Plain configuration keys ({@code sync.batch.max-events}) from a properties file, each overridable by an
 * environment variable named after it ({@code RHEI_SYNC_BATCH_MAX_EVENTS}: upper case, dots and dashes become
 * underscores, prefixed {@code RHEI_}). Typed getters fail with the key and the offending value.
 */
public final class Settings {
    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Settings empty() {
        return new Settings(Map.of());
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** The file's keys, then environment overrides for every key known to {@code file} or {@code knownKeys}. */
    public static Settings load(Path file, Map<String, String> environment, Iterable<String> knownKeys) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException e) {
            throw new RheiException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> merged = new HashMap<>();
        props.stringPropertyNames().forEach(k -> merged.put(k, props.getProperty(k).trim()));
        return new Settings(merged).withEnvironment(environment, knownKeys);
    }

    /** These settings with environment overrides applied for the given keys and for every key already set. */
    public Settings withEnvironment(Map<String, String> environment, Iterable<String> knownKeys) {
        Map<String, String> merged = new HashMap<>(values);
        java.util.Set<String> keys = new java.util.HashSet<>(values.keySet());
        knownKeys.forEach(keys::add);
        for (String key : keys) {
            String env = environment.get(environmentName(key));
            if (env != null) {
                merged.put(key, env.trim());
            }
        }
        return new Settings(merged);
    }

    public static String environmentName(String key) {
        return "RHEI_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public Optional<String> get(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public String getString(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    public String require(String key) {
        return get(key).orElseThrow(() -> new RheiException("configuration key " + key + " (or environment variable "
                + environmentName(key) + ") is required"));
    }

    public long getLong(String key, long defaultValue) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseSize(v.get());
        } catch (NumberFormatException e) {
            throw new RheiException("configuration key " + key + " must be a whole number (optionally with k, m, g), got '" + v.get() + "'");
        }
    }

    public int getInt(String key, int defaultValue) {
        long v = getLong(key, defaultValue);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new RheiException("configuration key " + key + " is out of range: " + v);
        }
        return (int) v;
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new RheiException("configuration key " + key + " must be true or false, got '" + v.get() + "'");
        };
    }

    /** Durations as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, or ISO-8601 ({@code PT1S}). */
    public Duration getDuration(String key, Duration defaultValue) {
        Optional<String> v = get(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseDuration(v.get());
        } catch (RuntimeException e) {
            throw new RheiException("configuration key " + key + " must be a duration like 250ms, 30s, 5m, 2h or 7d, got '" + v.get() + "'");
        }
    }

    static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        }
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1).trim());
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new NumberFormatException(text);
        };
    }

    static long parseSize(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replace("_", "");
        long unit = 1;
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        switch (last) {
            case 'k' -> unit = 1L << 10;
            case 'm' -> unit = 1L << 20;
            case 'g' -> unit = 1L << 30;
            default -> { }
        }
        if (unit > 1) {
            s = s.substring(0, s.length() - 1);
        }
        return Math.multiplyExact(Long.parseLong(s.trim()), unit);
    }

    /** Every key set, sorted; values of keys that look secret are masked so this can be logged. */
    public Map<String, String> describe() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> out.put(k, isSecret(k) ? "****" : v));
        return out;
    }

    private static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("credential");
    }
}
