package io.rhei.storage;

import io.rhei.core.schema.TableSchema;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.util.List;

/** Files kept as Arrow batches in memory; a commit is just the table publishing its new state. */
final class MemoryTableFiles implements TableFiles {
    private final String table;

    MemoryTableFiles(String table) {
        this.table = table;
    }

    @Override
    public DataFile write(long fileId, TableSchema schema, VectorSchemaRoot rows) {
        return new ArrowDataFile(fileId, schema, rows);
    }

    @Override
    public List<Segment> commit(TableCommit commit) {
        return commit.segments();
    }

    @Override
    public String describe() {
        return "memory table " + table;
    }

    @Override
    public void close() {
    }
}
