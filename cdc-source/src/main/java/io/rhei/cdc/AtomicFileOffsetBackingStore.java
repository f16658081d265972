package io.rhei.cdc;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.json.JsonConverter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
        Map<byte[], byte[]> raw = new HashMap<>();
        for (Map.Entry<ByteBuffer, ByteBuffer> e : data.entrySet()) {
            raw.put(e.getKey() != null ? e.getKey().array() : null, e.getValue() != null ? e.getValue().array() : null);
        }
        try {
            write(file, raw);
        } catch (IOException e) {
            throw new ConnectException("cannot write Debezium's offsets to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces {@code file} with these serialized key and value bytes, in Kafka's format. */
    static void write(Path file, Map<byte[], byte[]> raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream os = new ObjectOutputStream(bytes)) {
            os.writeObject(raw);
        }
        DurableFile.replace(file, bytes.toByteArray());
    }
}
