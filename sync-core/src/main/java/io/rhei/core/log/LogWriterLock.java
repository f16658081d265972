package io.rhei.core.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one-writer-per-directory lock of a change log: an OS file lock on {@code writer.lock}, which the kernel
 * releases when its process dies, however it dies. Holding it proves no other process is appending, so what a
 * dead writer left half-done can be cleaned up; readers (the replay tool beside a running sidecar) never need it.
 */
final class LogWriterLock implements AutoCloseable {
    static final String FILE_NAME = "writer.lock";

    private final Path file;
    private FileChannel channel;
    private FileLock lock;

    LogWriterLock(Path directory) {
        this.file = directory.resolve(FILE_NAME);
    }

    /** Takes the lock when no other process holds it; true when held afterwards. */
    boolean tryAcquire() {
        if (lock != null) {
            return true;
        }
        try {
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM already writes this log through another instance
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
        return lock != null;
    }

    boolean held() {
        return lock != null;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + file, e);
        } finally {
            lock = null;
            channel = null;
        }
    }
}
