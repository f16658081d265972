package io.rhei.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rhei resync} leaves a request naming the tables where the sidecar of that configuration takes it up. */
class ResyncCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesASignalNamingTheTablesNextToTheSidecarsOffsets() throws Exception {
        Path config = dir.resolve("rhei.properties");
        Files.writeString(config, "source.slot=shop\nlog.dir=" + dir.resolve("log") + "\n");
        RheiCommand.Run before = RheiCommand.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "resync", "orders",
                "--config", config.toString());
        assertEquals(1, before.exitCode());
        assertTrue(before.errors().contains("no capture has run with this configuration"), before.errors());
        Files.createDirectories(dir.resolve("log")); // as a running sidecar has it
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RheiCommand.Run run = RheiCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8), "resync", "orders", "inventory.stock", "--config",
                config.toString());
        assertEquals(0, run.exitCode(), run.errors());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("public.orders"), out.toString(StandardCharsets.UTF_8));
        String request = Files.readString(dir.resolve("log").resolve("cdc-offsets.dat.resync"));
        assertTrue(request.matches("rhei-resync-\\S+ public\\.orders,inventory\\.stock\\n"), request);
    }
}
