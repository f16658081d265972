package io.rhei.core.log;

import io.rhei.core.RheiException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Durable per-consumer positions: one small file per consumer holding the last sequence it no longer needs,
 * replaced atomically (write, fsync, rename) so a crash leaves the old or the new value, never a torn one.
 */
final class ConsumerPositions {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final String SUFFIX = ".seq";

    private final Path dir;
    private final Map<String, Long> positions = new TreeMap<>();

    ConsumerPositions(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
                    try {
                        positions.put(name.substring(0, name.length() - SUFFIX.length()), Long.parseLong(text));
                    } catch (NumberFormatException e) {
                        throw new RheiException("consumer position file " + f + " holds '" + text + "', not a sequence number");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read consumer positions in " + dir, e);
        }
    }

    synchronized void mark(String name, long seq) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("consumer name '" + name + "' must be 1-100 letters, digits, '.', '_' or '-'");
        }
        Long old = positions.get(name);
        if (old != null && old == seq) {
            return;
        }
        Path target = dir.resolve(name + SUFFIX);
        Path tmp = dir.resolve(name + SUFFIX + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(Long.toString(seq).getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new RheiException("the file system of " + dir + " cannot rename atomically; the change log needs it", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record position " + seq + " of consumer '" + name + "' in " + dir, e);
        }
        positions.put(name, seq);
    }

    synchronized void remove(String name) {
        if (positions.remove(name) != null) {
            try {
                Files.deleteIfExists(dir.resolve(name + SUFFIX));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove consumer '" + name + "' from " + dir, e);
            }
        }
    }

    synchronized Map<String, Long> snapshot() {
        return Map.copyOf(positions);
    }
}
