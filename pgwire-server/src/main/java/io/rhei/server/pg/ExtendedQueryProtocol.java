package io.rhei.server.pg;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.rhei.core.query.QueryDescription;
import io.rhei.core.query.QueryEngine;
import io.rhei.core.schema.ColumnType;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The extended query protocol: Parse, Bind, Describe, Execute (with a row limit and PortalSuspended), Close, Sync
 * and Flush, with named and unnamed statements and portals. After an error every message up to the next Sync is
 * skipped, as PostgreSQL does; at Sync outside a transaction block every portal is closed.
 */
final class ExtendedQueryProtocol implements AutoCloseable {
    static final class ProtocolError extends RuntimeException {
        final String sqlState;

        ProtocolError(String sqlState, String message) {
            super(message);
            this.sqlState = sqlState;
        }
    }

    private final QueryEngine engine;
    private final BufferAllocator allocator;
    private final Transaction transaction;
    private final ResultStream.CancelCheck cancel;
    private final SessionFreshness freshness;
    private final Map<String, PreparedQuery> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private boolean skipUntilSync;

    ExtendedQueryProtocol(QueryEngine engine, BufferAllocator allocator, Transaction transaction, SessionFreshness freshness,
                          ResultStream.CancelCheck cancel) {
        this.engine = engine;
        this.allocator = allocator;
        this.transaction = transaction;
        this.freshness = freshness;
        this.cancel = cancel;
    }

    /** Handles one extended-protocol message; false when {@code type} is not one. */
    boolean handle(Channel ch, char type, ByteBuf body, PgSession.Errors errors) {
        if (type == 'S') {
            sync(ch);
            return true;
        }
        if ("PBDECH".indexOf(type) < 0) {
            return false;
        }
        if (skipUntilSync) {
            return true;
        }
        try {
            switch (type) {
                case 'P' -> parse(ch, body);
                case 'B' -> bind(ch, body);
                case 'D' -> describe(ch, body);
                case 'E' -> execute(ch, body);
                case 'C' -> close(ch, body);
                case 'H' -> ch.flush();
                default -> throw new IllegalStateException("unreachable: " + type);
            }
        } catch (RuntimeException e) {
            errors.report(ch, e);
            transaction.fail();
            skipUntilSync = true;
        }
        return true;
    }

    private void parse(Channel ch, ByteBuf body) {
        String name = PgMessages.readCString(body);
        String sql = PgMessages.readCString(body);
        int n = body.readShort();
        int[] oids = new int[n];
        for (int i = 0; i < n; i++) {
            oids[i] = body.readInt();
        }
        if (!name.isEmpty() && statements.containsKey(name)) {
            throw new ProtocolError(SqlStates.DUPLICATE_PREPARED_STATEMENT, "prepared statement \"" + name + "\" already exists");
        }
        List<String> parts = Statements.split(sql);
        if (parts.size() > 1) {
            throw new ProtocolError(SqlStates.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
        }
        PreparedQuery q;
        if (parts.isEmpty()) {
            q = PreparedQuery.empty();
        } else if (Statements.sessionTag(parts.get(0)) != null) {
            q = PreparedQuery.session(parts.get(0), Statements.sessionTag(parts.get(0)));
        } else {
            List<ColumnType> declared = new ArrayList<>(n);
            for (int oid : oids) {
                declared.add(PgTypes.declaredType(oid));
            }
            QueryDescription d = engine.describe(parts.get(0), declared);
            int[] effective = new int[d.parameterTypes().size()];
            for (int i = 0; i < effective.length; i++) {
                effective[i] = i < n && oids[i] != 0 ? oids[i] : PgTypes.oidOf(d.parameterTypes().get(i));
            }
            q = new PreparedQuery(parts.get(0), null, effective, d.parameterTypes(), declared, d.resultSchema());
        }
        statements.put(name, q);
        ch.write(PgMessages.parseComplete(ch.alloc()));
    }

    private void bind(Channel ch, ByteBuf body) {
        String portalName = PgMessages.readCString(body);
        String statementName = PgMessages.readCString(body);
        PreparedQuery q = statement(statementName);
        short[] paramFormats = shorts(body);
        int n = body.readShort();
        if (n != q.parameterOids().length) {
            throw new ProtocolError(SqlStates.PROTOCOL_VIOLATION, "bind message supplies " + n + " parameters, but prepared statement \""
                    + statementName + "\" requires " + q.parameterOids().length);
        }
        if (paramFormats.length > 1 && paramFormats.length != n) {
            throw new ProtocolError(SqlStates.PROTOCOL_VIOLATION, "bind message has " + paramFormats.length + " parameter formats but "
                    + n + " parameters");
        }
        List<Object> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = body.readInt();
            if (len < 0) {
                values.add(null);
                continue;
            }
            byte[] bytes = new byte[len];
            body.readBytes(bytes);
            short format = paramFormats.length == 0 ? 0 : paramFormats.length == 1 ? paramFormats[0] : paramFormats[i];
            try {
                values.add(format == 1 ? PgBinary.decode(q.parameterOids()[i], bytes) : new String(bytes, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new ProtocolError(SqlStates.INVALID_BINARY_REPRESENTATION, "incorrect binary data format in bind parameter " + (i + 1)
                        + " (type OID " + q.parameterOids()[i] + ", " + len + " bytes)");
            }
        }
        short[] resultFormats = shorts(body);
        if (!portalName.isEmpty() && portals.containsKey(portalName)) {
            throw new ProtocolError(SqlStates.DUPLICATE_CURSOR, "cursor \"" + portalName + "\" already exists");
        }
        Portal old = portals.put(portalName, new Portal(q, values, resultFormats));
        if (old != null) {
            old.close();
        }
        ch.write(PgMessages.bindComplete(ch.alloc()));
    }

    private void describe(Channel ch, ByteBuf body) {
        char kind = (char) body.readByte();
        String name = PgMessages.readCString(body);
        ByteBufAllocator a = ch.alloc();
        if (kind == 'S') {
            PreparedQuery q = statement(name);
            ch.write(PgMessages.parameterDescription(a, q.parameterOids()));
            if (q.returnsRows()) {
                List<PgMessages.Column> columns = new ArrayList<>();
                for (Field f : q.resultSchema().getFields()) {
                    columns.add(PgTypes.column(f));
                }
                ch.write(PgMessages.rowDescription(a, columns));
            } else {
                ch.write(PgMessages.noData(a));
            }
            return;
        }
        Portal p = portal(name);
        if (!p.query().returnsRows()) {
            ch.write(PgMessages.noData(a));
            return;
        }
        // the portal's own result decides the columns' types: its values are bound
        freshness.awaitBeforeQuery();
        ResultStream stream = p.stream(engine, allocator);
        ch.write(PgMessages.rowDescription(a, stream.columns(), p.formats(stream.columns().size())));
    }

    private void execute(Channel ch, ByteBuf body) {
        String name = PgMessages.readCString(body);
        int maxRows = body.readInt();
        Portal p = portal(name);
        PreparedQuery q = p.query();
        ByteBufAllocator a = ch.alloc();
        transaction.requireRunnable(q.sessionTag());
        if (q.isEmpty()) {
            ch.write(PgMessages.emptyQueryResponse(a));
            return;
        }
        if (q.sessionTag() != null) {
            freshness.apply(q.sql());
            String tag = transaction.apply(q.sessionTag());
            if (!transaction.inBlock()) {
                closePortalsExcept(name);
            }
            ch.write(PgMessages.commandComplete(a, tag));
            return;
        }
        if (p.done()) {
            ch.write(PgMessages.commandComplete(a, "SELECT 0"));
            return;
        }
        if (!p.started()) {
            freshness.awaitBeforeQuery();
        }
        ResultStream stream = p.stream(engine, allocator);
        long rows;
        try {
            rows = stream.write(ch, p.formats(stream.columns().size()), Math.max(0, maxRows), cancel);
        } catch (RuntimeException e) {
            p.finish();
            throw e;
        }
        if (stream.exhausted()) {
            p.finish();
            ch.write(PgMessages.commandComplete(a, "SELECT " + rows));
        } else {
            ch.write(PgMessages.portalSuspended(a));
        }
    }

    private void close(Channel ch, ByteBuf body) {
        char kind = (char) body.readByte();
        String name = PgMessages.readCString(body);
        if (kind == 'S') {
            statements.remove(name);
        } else {
            Portal p = portals.remove(name);
            if (p != null) {
                p.close();
            }
        }
        ch.write(PgMessages.closeComplete(ch.alloc()));
    }

    private void sync(Channel ch) {
        skipUntilSync = false;
        if (!transaction.inBlock()) {
            closePortalsExcept(null);
        }
        ch.writeAndFlush(PgMessages.readyForQuery(ch.alloc(), transaction.status()));
    }

    /** A simple Query message drops the unnamed statement and portal. */
    void forgetUnnamed() {
        statements.remove("");
        Portal p = portals.remove("");
        if (p != null) {
            p.close();
        }
    }

    private void closePortalsExcept(String keep) {
        portals.entrySet().removeIf(e -> {
            if (e.getKey().equals(keep)) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    private PreparedQuery statement(String name) {
        PreparedQuery q = statements.get(name);
        if (q == null) {
            throw new ProtocolError(SqlStates.INVALID_STATEMENT_NAME, "prepared statement \"" + name + "\" does not exist");
        }
        return q;
    }

    private Portal portal(String name) {
        Portal p = portals.get(name);
        if (p == null) {
            throw new ProtocolError(SqlStates.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist");
        }
        return p;
    }

    private static short[] shorts(ByteBuf body) {
        int n = body.readShort();
        short[] s = new short[n];
        for (int i = 0; i < n; i++) {
            s[i] = body.readShort();
        }
        return s;
    }

    @Override
    public void close() {
        closePortalsExcept(null);
        statements.clear();
    }
}
