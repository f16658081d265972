package io.rhei.storage;

import io.rhei.core.model.RowKey;
import io.rhei.core.schema.ColumnType;
import io.rhei.core.schema.TableSchema;

import java.util.HashMap;
import java.util.Map;

/**
 * A table's primary-key index: key to location (file id in the high 32 bits, row in the low 32; never 0).
 * Integer keys, by far the most common, get an open-addressing table of primitives ({@link LongKeyIndex}, about
 * 32 bytes per key instead of about 110 for boxed map entries); other keys a hash map.
 */
interface KeyIndex {
    /** 0 when the key is absent. */
    long get(RowKey key);

    void put(RowKey key, long location);

    void remove(RowKey key);

    void clear();

    int size();

    static KeyIndex forSchema(TableSchema schema) {
        if (schema.hasPrimaryKey() && schema.primaryKey().size() == 1) {
            ColumnType.Kind kind = schema.column(schema.primaryKey().get(0)).orElseThrow().type().kind();
            if (kind == ColumnType.Kind.INT16 || kind == ColumnType.Kind.INT32 || kind == ColumnType.Kind.INT64) {
                return new LongKeyIndex();
            }
        }
        return new MapKeyIndex();
    }

    /** Any key: a hash map of row keys. */
    final class MapKeyIndex implements KeyIndex {
        private final Map<RowKey, Long> map = new HashMap<>();

        @Override
        public long get(RowKey key) {
            Long v = map.get(key);
            return v == null ? 0 : v;
        }

        @Override
        public void put(RowKey key, long location) {
            map.put(key, location);
        }

        @Override
        public void remove(RowKey key) {
            map.remove(key);
        }

        @Override
        public void clear() {
            map.clear();
        }

        @Override
        public int size() {
            return map.size();
        }
    }
}
