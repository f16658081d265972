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

    /**
     * The file's keys, then environment overrides for every key of {@code knownKeys}; a key the file sets that is not
     * one of them, or a value with a {@code # comment} after it, is an error naming the key and the fix.
     */
    public static Settings load(Path file, Map<String, String> environment, java.util.Collection<ConfigKey> knownKeys) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            props.load(r);
        } catch (IOException e) {
            throw new RheiException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        return fromProperties(props, "configuration file " + file, knownKeys).withEnvironment(environment, knownKeys);
    }

    /** {@code props} checked against {@code knownKeys} as {@link #load} checks a file; {@code origin} names them in errors. */
    public static Settings fromProperties(Properties props, String origin, java.util.Collection<ConfigKey> knownKeys) {
        Map<String, String> merged = new HashMap<>();
        props.stringPropertyNames().forEach(k -> merged.put(k, props.getProperty(k).trim()));
        Settings s = new Settings(merged);
        s.check(origin, knownKeys);
        return s;
    }

    /** Fails on the first key that is not known (naming the nearest known one) or whose value ends in a comment. */
    public void check(String origin, java.util.Collection<ConfigKey> knownKeys) {
        java.util.Set<String> names = new java.util.HashSet<>();
        knownKeys.forEach(k -> names.add(k.name()));
        for (String key : new java.util.TreeSet<>(values.keySet())) {
            if (!names.contains(key)) {
                String nearest = KeySpelling.nearest(key, names);
                throw new RheiException(origin + ": unknown key '" + key + "'" + (nearest == null ? "" : " (did you mean '" + nearest + "'?)")
                        + "; the keys are listed in the README under Configuration");
            }
            String value = values.get(key);
            java.util.regex.Matcher comment = java.util.regex.Pattern.compile("\\s#").matcher(value);
            if (!isSecret(key) && comment.find()) {
                throw new RheiException(origin + ": the value of " + key + " is '" + value + "': properties files have no comments "
                        + "after a value; put the comment on a line of its own starting with #");
            }
        }
    }

    /** These settings with environment overrides applied for the given keys and for every key already set. */
    public Settings withEnvironment(Map<String, String> environment, java.util.Collection<ConfigKey> knownKeys) {
        Map<String, String> merged = new HashMap<>(values);
        java.util.Set<String> keys = new java.util.HashSet<>(values.keySet());
        knownKeys.forEach(k -> keys.add(k.name()));
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

    /** This value, or the key's default ({@link ConfigKey#defaultText()} must be a value, not a description). */
    public String getString(ConfigKey key) {
        return get(key.name()).orElse(defaultOf(key));
    }

    public int getInt(ConfigKey key) {
        return getInt(key.name(), (int) parseNumber(key, defaultOf(key)));
    }

    public long getLong(ConfigKey key) {
        return getLong(key.name(), parseNumber(key, defaultOf(key)));
    }

    public boolean getBoolean(ConfigKey key) {
        return getBoolean(key.name(), Boolean.parseBoolean(defaultOf(key)));
    }

    public Duration getDuration(ConfigKey key) {
        return getDuration(key.name(), parseDuration(defaultOf(key)));
    }

    public double getDouble(ConfigKey key) {
        String v = getString(key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new RheiException("configuration key " + key.name() + " must be a number, got '" + v + "'");
        }
    }

    /**
     * A secret given directly ({@code value}) or in a file ({@code file}, its content stripped); null when neither is
     * set. An unreadable file is an error naming the key and the file.
     */
    public String secret(ConfigKey value, ConfigKey file) {
        Optional<String> direct = get(value);
        if (direct.isPresent() || get(file).isEmpty()) {
            return direct.orElse(null);
        }
        Path path = Path.of(get(file).get());
        try {
            return Files.readString(path).strip();
        } catch (IOException e) {
            throw new RheiException("cannot read " + file.name() + " " + path + ": " + e.getMessage(), e);
        }
    }

    /** Whether the key is set at all, even to an empty value (which some keys take to mean "none"). */
    public boolean isSet(ConfigKey key) {
        return values.containsKey(key.name());
    }

    public Optional<String> get(ConfigKey key) {
        return get(key.name());
    }

    private static String defaultOf(ConfigKey key) {
        if (key.computed()) {
            throw new IllegalStateException(key.name() + " has a computed default: read it with get() and work the default out");
        }
        return key.defaultText();
    }

    private static long parseNumber(ConfigKey key, String text) {
        return text.isEmpty() ? 0 : parseSize(text);
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

    /** Parses a duration written as the getters accept it ({@code 250ms}, {@code 30s}, {@code 5m}, ISO-8601). */
    public static Duration parseDuration(String text) {
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

    /** These settings with {@code more} set on top. */
    public Settings with(Map<String, String> more) {
        Map<String, String> merged = new HashMap<>(values);
        merged.putAll(more);
        return new Settings(merged);
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
