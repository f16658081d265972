package io.rhei.cdc;

import io.rhei.core.RheiException;
import org.apache.kafka.connect.json.JsonConverter;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where Debezium starts streaming after the bulk snapshot: offsets stored before its first start, at the replication
 * slot's consistent point. Without offsets Debezium's {@code no_data} mode starts at the server's WAL position of the
 * moment it starts and skips what came before, which would lose every change committed while the bulk snapshot read.
 * With these, it starts at the slot's position and, with no commit position stored, takes the first transaction the slot
 * sends: the first to commit after the snapshot's cut.
 *
 * <p>Written in Kafka's file format, the one {@link AtomicFileOffsetBackingStore} reads: a serialized map of the JSON
 * key {@code [engine name, {"server": topic prefix}]} to the JSON offset.
 */
final class StreamingStart {
    private StreamingStart() {
    }

    static void store(PostgresSourceConfig config, long consistentLsn) {
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), true);
        byte[] key = json.fromConnectData("", null, List.of(config.name(), Map.of("server", PostgresSourceConfig.TOPIC_PREFIX)));
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("lsn", consistentLsn);
        offset.put("lsn_proc", consistentLsn);
        offset.put("ts_usec", System.currentTimeMillis() * 1000);
        byte[] value = json.fromConnectData("", null, offset);
        Map<byte[], byte[]> raw = new HashMap<>();
        raw.put(key, value);
        try {
            AtomicFileOffsetBackingStore.write(config.offsetsFile(), raw);
        } catch (IOException e) {
            throw new RheiException("cannot write where streaming starts to " + config.offsetsFile() + ": " + e.getMessage(), e);
        }
    }
}
