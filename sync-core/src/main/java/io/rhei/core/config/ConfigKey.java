package io.rhei.core.config;

import java.util.Objects;

/**
 * One configuration key, defined once: its name, its default as a user writes it, and what it does. The config
 * classes read values through their keys ({@link Settings#getInt(ConfigKey)}...), so the default in the docs is the
 * default the code applies; the README's key table is generated from the same definitions.
 *
 * @param name        the key, e.g. {@code sync.batch.max-events}
 * @param defaultText the default as a value ({@code 50000}, {@code 200ms}); empty when the key has no default
 * @param computed    true when the default is worked out at run time and {@code defaultText} only describes it
 * @param description one line: what the key does
 */
public record ConfigKey(String name, String defaultText, boolean computed, String description) {
    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultText, "defaultText");
        Objects.requireNonNull(description, "description");
    }

    /** A key whose default is {@code defaultText} (empty: none). */
    public static ConfigKey of(String name, String defaultText, String description) {
        return new ConfigKey(name, defaultText, false, description);
    }

    /** A key whose default the code works out ({@code describedDefault} says how, for the docs). */
    public static ConfigKey computed(String name, String describedDefault, String description) {
        return new ConfigKey(name, describedDefault, true, description);
    }

    @Override
    public String toString() {
        return name;
    }
}
