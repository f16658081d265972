package io.rhei.cdc;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.json.JsonConverter;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Debezium's offsets file, written so that a crash never leaves it half written. Kafka's own store rewrites the file
 * in place: a process killed during that write left a file of 4 bytes, which no restart could read (found by the
 * sidecar crash test). Here the offsets go to a temporary file, are forced to disk, and replace the old file in one
 * atomic rename. The format is Kafka's (a serialized {@code HashMap<byte[], byte[]>}), so both read it.
 */
public final class AtomicFileOffsetBackingStore extends FileOffsetBackingStore {
    private Path file;

    public AtomicFileOffsetBackingStore() {
        super(jsonConverter());
    }

    /** The constructor Debezium's engine calls, with the key converter it uses. */
    public AtomicFileOffsetBackingStore(org.apache.kafka.connect.storage.Converter keyConverter) {
        super(keyConverter);
    }

    private static JsonConverter jsonConverter() {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "false"), true);
        return c;
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        file = Path.of(config.getString("offset.storage.file.filename"));
    }

    @Override
    protected void save() {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Map<byte[], byte[]> raw = new HashMap<>();
            for (Map.Entry<ByteBuffer, ByteBuffer> e : data.entrySet()) {
                raw.put(e.getKey() != null ? e.getKey().array() : null, e.getValue() != null ? e.getValue().array() : null);
            }
            try (OutputStream out = Files.newOutputStream(tmp); ObjectOutputStream os = new ObjectOutputStream(out)) {
                os.writeObject(raw);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ConnectException("cannot write Debezium's offsets to " + file + ": " + e.getMessage(), e);
        }
    }
}
