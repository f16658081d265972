package io.rhei.core.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes Chronicle segment files whose creation a crash interrupted. Chronicle publishes a segment's first
 * header only once the file is set up, and writes no record before that; a writer killed in between leaves a
 * file whose first header is still zero or flagged "not complete". Left in place, every open waits Chronicle's
 * 10 s timeout on it and the appender finally renames it away under readers that keep pointing at the old file,
 * so they never see another record. Only the holder of the {@link LogWriterLock} may call this: a live writer's
 * file being set up at this very moment looks the same.
 */
final class UnfinishedSegments {
    private static final Logger LOG = LoggerFactory.getLogger(UnfinishedSegments.class);
    /** Chronicle Wire's header flag for "being written" ({@code Wires.NOT_COMPLETE}). */
    private static final int NOT_COMPLETE = 0x8000_0000;

    private UnfinishedSegments() {
    }

    /** Deletes the unfinished segments in {@code directory}; returns what was deleted. */
    static List<Path> remove(Path directory) {
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path segment : files.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList()) {
                if (isUnfinished(segment)) {
                    Files.delete(segment);
                    removed.add(segment);
                    LOG.warn("change log segment {} was being created when its writer died and holds no record; deleted it",
                            segment);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the segments of change log " + directory, e);
        }
        return removed;
    }

    static boolean isUnfinished(Path segment) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer first = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            while (first.hasRemaining() && ch.read(first) >= 0) {
                // read the 4 bytes of the first header
            }
            if (first.hasRemaining()) {
                return true;
            }
            int header = first.getInt(0);
            return header == 0 || (header & NOT_COMPLETE) != 0;
        }
    }
}
