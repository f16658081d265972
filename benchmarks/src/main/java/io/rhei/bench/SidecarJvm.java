package io.rhei.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The JVM flags the sidecar's launcher gives it: {@code etc/jvm.options} and a heap, for benchmarks' child JVMs. */
final class SidecarJvm {
    /** The launcher's default heap (cli/src/dist/bin/rhei, {@code RHEI_HEAP}). */
    static final String DEFAULT_HEAP = "2g";

    private SidecarJvm() {
    }

    static String[] flags(String heap) throws IOException {
        List<String> flags = new ArrayList<>();
        Path options = Path.of("etc/jvm.options");
        if (Files.exists(options)) {
            for (String line : Files.readAllLines(options)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    flags.add(line.strip());
                }
            }
        }
        flags.add("-Xmx" + heap);
        return flags.toArray(String[]::new);
    }
}
