package io.rhei.storage.objectstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Objects as files under a local directory. Writes go to a temporary file that is fsynced and then renamed (or, for
 * {@link #putIfAbsent}, hard-linked, which fails atomically when the name is taken), and the directory is
 * fsynced: a crash leaves either the old object or the new one, plus at most a temporary file to collect.
 */
public final class LocalObjectStore implements ObjectStore {
    static final String TEMP_MARK = ".tmp-";
    private final Path root;

    public LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot create storage directory " + this.root + ": " + e, e);
        }
        if (!Files.isWritable(this.root)) {
            throw new ObjectStoreException("storage directory " + this.root + " is not writable by this user");
        }
    }

    private Path path(String key) {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("key " + key + " leaves the storage directory");
        }
        return p;
    }

    @Override
    public void put(String key, byte[] bytes) {
        Path target = path(key);
        Path temp = writeTemp(target, bytes, key);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            fsyncDirectory(target.getParent());
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write", key, e);
        }
    }

    @Override
    public void putIfAbsent(String key, byte[] bytes) {
        Path target = path(key);
        Path temp = writeTemp(target, bytes, key);
        try {
            Files.createLink(target, temp);
            fsyncDirectory(target.getParent());
        } catch (FileAlreadyExistsException e) {
            throw new ObjectExistsException(describe() + ": " + key + " already exists (is another writer using this storage?)");
        } catch (IOException e) {
            throw failure("write", key, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    private Path writeTemp(Path target, byte[] bytes, String key) {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_MARK + UUID.randomUUID());
        try {
            Files.createDirectories(target.getParent());
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw failure("write", key, e);
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public byte[] get(String key) {
        try {
            return Files.readAllBytes(path(key));
        } catch (NoSuchFileException e) {
            throw new ObjectStoreException(describe() + ": " + key + " does not exist", e);
        } catch (IOException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        int slash = prefix.lastIndexOf('/');
        Path dir = slash < 0 ? root : path(prefix.substring(0, slash));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<ObjectInfo> out = new ArrayList<>();
        try {
            // a writer renames and deletes files while this walks (a temporary manifest becomes the manifest): what
            // vanishes between the directory read and its attributes was not there
            Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes attrs) {
                    String key = root.relativize(p).toString().replace('\\', '/');
                    if (attrs.isRegularFile() && key.startsWith(prefix)) {
                        out.add(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toMillis()));
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ObjectStoreException(describe() + ": cannot list " + prefix + ": " + e, e);
        }
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public String vortexUri(String key) {
        Path p = path(key);
        try {
            Files.createDirectories(p.getParent());
        } catch (IOException e) {
            throw failure("create the directory of", key, e);
        }
        return p.toUri().toString();
    }

    @Override
    public Map<String, String> vortexOptions() {
        return Map.of();
    }

    @Override
    public String describe() {
        return "local storage " + root;
    }

    @Override
    public void close() {
    }

    private ObjectStoreException failure(String what, String key, IOException e) {
        String hint = String.valueOf(e.getMessage()).contains("No space left") ? " (the disk is full: free space and start again)" : "";
        return new ObjectStoreException(describe() + ": cannot " + what + " " + key + ": " + e + hint, e);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file is collected at the next open
        }
    }
}
