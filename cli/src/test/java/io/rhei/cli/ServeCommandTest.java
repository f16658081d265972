package io.rhei.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rhei serve}'s mistakes: one line naming what is wrong, no stack trace (the replica itself: QueryReplicaTest). */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void aStorageThatIsNotThereIsNamed() {
        RheiCommand.Run run = RheiCommand.run(new PrintStream(new ByteArrayOutputStream()), "serve", "--storage", dir.resolve("nothing").toString());
        assertEquals(1, run.exitCode(), run.errors());
        assertTrue(run.errors().contains("no storage at " + dir.resolve("nothing").toAbsolutePath()), run.errors());
        assertTrue(!run.errors().contains("\tat "), "no stack trace: " + run.errors());
    }

    @Test
    void memoryStorageIsRefusedWithTheReason() {
        RheiCommand.Run run = RheiCommand.run(new PrintStream(new ByteArrayOutputStream()), "serve", "--storage", "memory:");
        assertEquals(1, run.exitCode(), run.errors());
        assertTrue(run.errors().contains("rhei serve needs the writer's storage: storage.uri must be a directory or s3://bucket/prefix, not memory:"),
                run.errors());
    }
}
