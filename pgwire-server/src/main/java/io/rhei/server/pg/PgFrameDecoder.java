package io.rhei.server.pg;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;

import java.util.List;

/**
 * Cuts the byte stream into protocol messages. The first message of a connection (startup, SSL or cancel request)
 * has no type byte: a length, then a code. Every later one is a type byte, a length that counts itself, the body.
 */
final class PgFrameDecoder extends ByteToMessageDecoder {
    /** A message: its type ({@code 0} for a startup-phase message) and its body (released by whoever reads it). */
    record Frame(char type, ByteBuf body) {
    }

    private static final int MAX_MESSAGE = 64 << 20;
    /** PostgreSQL's own limit for a startup packet. */
    private static final int MAX_STARTUP = 10_000;
    private boolean startup = true;

    /** After an SSL request answered with 'N', the client sends its startup message: still without a type byte. */
    void expectStartup() {
        startup = true;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int header = startup ? 4 : 5;
        if (in.readableBytes() < header) {
            return;
        }
        int start = in.readerIndex();
        char type = startup ? 0 : (char) in.getByte(start);
        int length = in.getInt(start + (startup ? 0 : 1));
        if (startup && (length < 8 || length > MAX_STARTUP)) {
            throw new CorruptedFrameException("invalid length of startup packet (" + length + " bytes; at most " + MAX_STARTUP + ")");
        }
        if (length < 4 || length > MAX_MESSAGE) {
            throw new CorruptedFrameException("invalid message length " + length + " for message type '" + type + "' (at most "
                    + (MAX_MESSAGE >> 20) + " MiB)");
        }
        if (in.readableBytes() < length + (startup ? 0 : 1)) {
            return;
        }
        in.skipBytes(header);
        ByteBuf body = in.readRetainedSlice(length - 4);
        if (startup) {
            startup = false;
        }
        out.add(new Frame(type, body));
    }
}
