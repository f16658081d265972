package io.rhei.server.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes the backend messages Rhei sends (type byte, length that counts itself, body). */
final class PgMessages {
    private PgMessages() {
    }

    /** A field of RowDescription: name, type OID and size. */
    record Column(String name, int typeOid, int typeSize) {
    }

    private static ByteBuf begin(ByteBufAllocator alloc, char type) {
        ByteBuf b = alloc.buffer();
        b.writeByte(type);
        b.writeInt(0); // length, patched by end()
        return b;
    }

    private static ByteBuf end(ByteBuf b) {
        b.setInt(1, b.writerIndex() - 1);
        return b;
    }

    /** Reads a NUL-terminated UTF-8 string; a missing terminator is a malformed message. */
    static String readCString(ByteBuf b) {
        int end = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new IndexOutOfBoundsException("a string without its terminating NUL byte");
        }
        String s = b.toString(b.readerIndex(), end - b.readerIndex(), StandardCharsets.UTF_8);
        b.readerIndex(end + 1);
        return s;
    }

    static void cstring(ByteBuf b, String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        b.writeByte(0);
    }

    static ByteBuf authenticationOk(ByteBufAllocator a) {
        ByteBuf b = begin(a, 'R');
        b.writeInt(0);
        return end(b);
    }

    static ByteBuf authenticationCleartextPassword(ByteBufAllocator a) {
        ByteBuf b = begin(a, 'R');
        b.writeInt(3);
        return end(b);
    }

    static ByteBuf parameterStatus(ByteBufAllocator a, String name, String value) {
        ByteBuf b = begin(a, 'S');
        cstring(b, name);
        cstring(b, value);
        return end(b);
    }

    static ByteBuf backendKeyData(ByteBufAllocator a, int pid, int secret) {
        ByteBuf b = begin(a, 'K');
        b.writeInt(pid);
        b.writeInt(secret);
        return end(b);
    }

    static ByteBuf readyForQuery(ByteBufAllocator a, char status) {
        ByteBuf b = begin(a, 'Z');
        b.writeByte(status);
        return end(b);
    }

    static ByteBuf rowDescription(ByteBufAllocator a, List<Column> columns) {
        return rowDescription(a, columns, new short[columns.size()]);
    }

    /** RowDescription with each column's format code (0 text, 1 binary). */
    static ByteBuf rowDescription(ByteBufAllocator a, List<Column> columns, short[] formats) {
        ByteBuf b = begin(a, 'T');
        b.writeShort(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            cstring(b, c.name());
            b.writeInt(0); // table OID
            b.writeShort(0); // column number
            b.writeInt(c.typeOid());
            b.writeShort(c.typeSize());
            b.writeInt(-1); // type modifier
            b.writeShort(formats[i]);
        }
        return end(b);
    }

    /** A DataRow in text format; a null entry is SQL NULL. */
    static void dataRow(ByteBuf b, byte[][] values) {
        int start = b.writerIndex();
        b.writeByte('D');
        b.writeInt(0);
        b.writeShort(values.length);
        for (byte[] v : values) {
            if (v == null) {
                b.writeInt(-1);
            } else {
                b.writeInt(v.length);
                b.writeBytes(v);
            }
        }
        b.setInt(start + 1, b.writerIndex() - start - 1);
    }

    static ByteBuf commandComplete(ByteBufAllocator a, String tag) {
        ByteBuf b = begin(a, 'C');
        cstring(b, tag);
        return end(b);
    }

    static ByteBuf parseComplete(ByteBufAllocator a) {
        return end(begin(a, '1'));
    }

    static ByteBuf bindComplete(ByteBufAllocator a) {
        return end(begin(a, '2'));
    }

    static ByteBuf closeComplete(ByteBufAllocator a) {
        return end(begin(a, '3'));
    }

    static ByteBuf noData(ByteBufAllocator a) {
        return end(begin(a, 'n'));
    }

    static ByteBuf portalSuspended(ByteBufAllocator a) {
        return end(begin(a, 's'));
    }

    static ByteBuf parameterDescription(ByteBufAllocator a, int[] oids) {
        ByteBuf b = begin(a, 't');
        b.writeShort(oids.length);
        for (int oid : oids) {
            b.writeInt(oid);
        }
        return end(b);
    }

    static ByteBuf emptyQueryResponse(ByteBufAllocator a) {
        return end(begin(a, 'I'));
    }

    static ByteBuf errorResponse(ByteBufAllocator a, String sqlState, String message) {
        ByteBuf b = begin(a, 'E');
        b.writeByte('S');
        cstring(b, "ERROR");
        b.writeByte('V');
        cstring(b, "ERROR");
        b.writeByte('C');
        cstring(b, sqlState);
        b.writeByte('M');
        cstring(b, message);
        b.writeByte(0);
        return end(b);
    }
}
