package io.rhei.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts a main class in a child JVM on this JVM's class path, for tests that SIGKILL a process mid-work. The
 * {@code rhei.jvm.flags} system property (what the build passes to forked tests, e.g. the Arrow --add-opens) is
 * handed on, so the child runs as the tests do.
 */
public final class ChildJvm {
    private final List<String> jvmFlags = new ArrayList<>();
    private final String mainClass;
    private final List<String> args = new ArrayList<>();
    private File output;

    private ChildJvm(String mainClass) {
        this.mainClass = mainClass;
    }

    public static ChildJvm of(Class<?> mainClass) {
        return new ChildJvm(mainClass.getName());
    }

    /** A main class named, for one the caller's module has on its test classpath only (a Kafka broker, for instance). */
    public static ChildJvm of(String mainClass) {
        return new ChildJvm(mainClass);
    }

    /** Extra JVM flags, e.g. {@code -Xmx1g}. */
    public ChildJvm jvmFlags(String... flags) {
        jvmFlags.addAll(Arrays.asList(flags));
        return this;
    }

    public ChildJvm args(String... arguments) {
        args.addAll(Arrays.asList(arguments));
        return this;
    }

    /** Where the child's stdout and stderr go; by default the parent reads them from {@link Process#getInputStream()}. */
    public ChildJvm output(Path file) {
        this.output = file.toFile();
        return this;
    }

    /** The command line {@link #start} runs. */
    public List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : System.getProperty("rhei.jvm.flags", "").trim().split("\\s+")) {
            if (!flag.isBlank()) {
                cmd.add(flag);
            }
        }
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return cmd;
    }

    public Process start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true);
        if (output != null) {
            pb.redirectOutput(output);
        }
        return pb.start();
    }
}
