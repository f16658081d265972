package io.rhei.cdc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Capture's small state files (offsets, snapshot state, markers), replaced whole so that a crash leaves the old file or
 * the new one, never half of one: written to {@code <name>.tmp}, forced to disk, and renamed over the file in one atomic
 * move.
 */
final class DurableFile {
    private DurableFile() {
    }

    static void replace(Path file, byte[] contents) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, contents);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
