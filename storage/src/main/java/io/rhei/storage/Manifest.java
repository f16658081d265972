package io.rhei.storage;

import io.rhei.core.RheiException;
import io.rhei.core.log.LogRecordCodec;
import io.rhei.core.model.LogRecord;
import io.rhei.core.model.SchemaChange;
import io.rhei.core.model.SourcePosition;
import io.rhei.core.schema.TableSchema;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * One committed state of a durable table: its schema (and the older schema versions its files were written in),
 * the applied log sequence, the next free file id, and each live data file with where its deletion vector is.
 * Written whole as the table's next version; the highest version is the table. Binary, with a trailing CRC32C so
 * a damaged manifest is reported, never half-read. Schemas use the change log's own record encoding.
 */
record Manifest(long version, TableSchema schema, long appliedSeq, long nextFileId, List<FileEntry> files) {
    private static final long MAGIC = 0x5248_4549_4d46_3031L; // "RHEIMF01"

    /** A live data file: its object key, rows, schema version, and its persisted deletion vector (or null). */
    record FileEntry(long id, String key, int rowCount, int schemaVersion, DeletionVectorRef deletes, int deletedCount) {
    }

    byte[] encode(Map<Integer, TableSchema> schemasByVersion) {
        LogRecordCodec codec = new LogRecordCodec();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + files.size() * 96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            out.writeLong(version);
            out.writeLong(appliedSeq);
            out.writeLong(nextFileId);
            Map<Integer, TableSchema> schemas = new LinkedHashMap<>();
            schemas.put(schema.version(), schema);
            for (FileEntry f : files) {
                TableSchema s = schemasByVersion.get(f.schemaVersion());
                if (s == null) {
                    throw new IllegalStateException("no schema version " + f.schemaVersion() + " for file " + f.key());
                }
                schemas.put(s.version(), s);
            }
            out.writeInt(schema.version());
            out.writeInt(schemas.size());
            for (TableSchema s : schemas.values()) {
                byte[] encoded = codec.toBytes(new SchemaChange(1, s, SourcePosition.NONE));
                out.writeInt(encoded.length);
                out.write(encoded);
            }
            out.writeInt(files.size());
            for (FileEntry f : files) {
                out.writeLong(f.id());
                out.writeUTF(f.key());
                out.writeInt(f.rowCount());
                out.writeInt(f.schemaVersion());
                out.writeUTF(f.deletes() == null ? "" : f.deletes().key());
                out.writeLong(f.deletes() == null ? 0 : f.deletes().offset());
                out.writeInt(f.deletes() == null ? 0 : f.deletes().length());
                out.writeInt(f.deletedCount());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory
        }
        byte[] body = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] withCrc = java.util.Arrays.copyOf(body, body.length + 4);
        int c = (int) crc.getValue();
        withCrc[body.length] = (byte) (c >>> 24);
        withCrc[body.length + 1] = (byte) (c >>> 16);
        withCrc[body.length + 2] = (byte) (c >>> 8);
        withCrc[body.length + 3] = (byte) c;
        return withCrc;
    }

    /** The manifest and every schema version it names. */
    record Decoded(Manifest manifest, Map<Integer, TableSchema> schemas) {
    }

    static Decoded decode(byte[] bytes, String where) {
        if (bytes.length < 12) {
            throw new RheiException("manifest " + where + " is damaged (" + bytes.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ((bytes[bytes.length - 4] & 0xFF) << 24) | ((bytes[bytes.length - 3] & 0xFF) << 16)
                | ((bytes[bytes.length - 2] & 0xFF) << 8) | (bytes[bytes.length - 1] & 0xFF);
        if (stored != (int) crc.getValue()) {
            throw new RheiException("manifest " + where + " is damaged (checksum mismatch): restore it, or rebuild the table with rhei replay");
        }
        LogRecordCodec codec = new LogRecordCodec();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            if (in.readLong() != MAGIC) {
                throw new RheiException("manifest " + where + " is not a Rhei manifest (or from a newer, incompatible build)");
            }
            long version = in.readLong();
            long appliedSeq = in.readLong();
            long nextFileId = in.readLong();
            int current = in.readInt();
            int schemaCount = in.readInt();
            Map<Integer, TableSchema> schemas = new LinkedHashMap<>();
            for (int i = 0; i < schemaCount; i++) {
                byte[] encoded = new byte[in.readInt()];
                in.readFully(encoded);
                LogRecord r = codec.decode(encoded, 0, encoded.length);
                TableSchema s = ((SchemaChange) r).schema();
                schemas.put(s.version(), s);
            }
            int fileCount = in.readInt();
            List<FileEntry> files = new ArrayList<>(fileCount);
            for (int i = 0; i < fileCount; i++) {
                long id = in.readLong();
                String key = in.readUTF();
                int rows = in.readInt();
                int schemaVersion = in.readInt();
                String dvKey = in.readUTF();
                long dvOffset = in.readLong();
                int dvLength = in.readInt();
                int deleted = in.readInt();
                files.add(new FileEntry(id, key, rows, schemaVersion, dvKey.isEmpty() ? null : new DeletionVectorRef(dvKey, dvOffset, dvLength), deleted));
            }
            TableSchema schema = schemas.get(current);
            if (schema == null) {
                throw new RheiException("manifest " + where + " names schema version " + current + " but does not hold it");
            }
            return new Decoded(new Manifest(version, schema, appliedSeq, nextFileId, files), schemas);
        } catch (IOException | RuntimeException e) {
            if (e instanceof RheiException re) {
                throw re;
            }
            throw new RheiException("manifest " + where + " cannot be read: " + e, e);
        }
    }
}
