package io.rhei;

import io.rhei.cdc.PostgresSourceConfig;
import io.rhei.core.config.ConfigKey;
import io.rhei.core.engine.SyncEngineConfig;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.server.ServerConfig;
import io.rhei.storage.StorageConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Every configuration key Rhei reads, in the order the README lists them. Each is defined once, in the class of the
 * part it configures; this is the one list of them all, checked against the README by a test.
 */
public final class RheiConfig {
    /** Sections of the README's key table: a title and its keys. */
    public record Section(String title, List<ConfigKey> keys) {
    }

    public static final List<Section> SECTIONS = List.of(
            new Section("capture (`source.*`)", PostgresSourceConfig.KEYS),
            new Section("change log (`log.*`)", ChangeLogs.KEYS),
            new Section("sync (`sync.*`)", SyncEngineConfig.KEYS),
            new Section("storage (`storage.*`)", StorageConfig.KEYS),
            new Section("queries (`olap.*`)", NativeQueryOptions.KEYS),
            new Section("servers (`server.*`, `metrics.*`)", ServerConfig.KEYS),
            new Section("query replicas (`replica.*`, `rhei serve`)", QueryReplica.KEYS));

    /** All keys. */
    public static final List<ConfigKey> KEYS = all();

    private RheiConfig() {
    }

    private static List<ConfigKey> all() {
        List<ConfigKey> keys = new ArrayList<>();
        SECTIONS.forEach(s -> keys.addAll(s.keys()));
        return List.copyOf(keys);
    }

    /** The README's key table, generated: one row per key with its default and description. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder("| key | default | what it does |\n|---|---|---|\n");
        for (Section s : SECTIONS) {
            out.append("| **").append(s.title()).append("** | | |\n");
            for (ConfigKey k : s.keys()) {
                String d = k.defaultText().isEmpty() ? "—" : k.computed() ? k.defaultText() : "`" + k.defaultText() + "`";
                out.append("| `").append(k.name()).append("` | ").append(d.replace("|", "\\|")).append(" | ")
                        .append(k.description().replace("|", "\\|")).append(" |\n");
            }
        }
        return out.toString();
    }

    /** Prints {@link #markdownTable()}, to paste into the README. */
    public static void main(String[] args) {
        System.out.print(markdownTable());
    }
}
