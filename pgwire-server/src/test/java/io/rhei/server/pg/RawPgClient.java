package io.rhei.server.pg;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A protocol client of a few lines, for what a driver would never send: malformed messages, slow reading, cancels. */
final class RawPgClient implements AutoCloseable {
    record Message(char type, byte[] body) {
        String errorField(char field) {
            int i = 0;
            while (i < body.length && body[i] != 0) {
                char f = (char) body[i++];
                int end = i;
                while (body[end] != 0) {
                    end++;
                }
                if (f == field) {
                    return new String(body, i, end - i, StandardCharsets.UTF_8);
                }
                i = end + 1;
            }
            return null;
        }
    }

    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;
    int pid;
    int secret;

    RawPgClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Sends a startup message for protocol 3.0 and reads up to ReadyForQuery. */
    RawPgClient startup() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeInt(196608);
        for (String s : new String[]{"user", "rhei", "database", "rhei"}) {
            b.write(s.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        b.write(0);
        out.writeInt(body.size() + 4);
        out.write(body.toByteArray());
        out.flush();
        Message m;
        do {
            m = read();
            if (m.type == 'K') {
                pid = java.nio.ByteBuffer.wrap(m.body).getInt(0);
                secret = java.nio.ByteBuffer.wrap(m.body).getInt(4);
            }
        } while (m.type != 'Z');
        return this;
    }

    void send(char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
        out.flush();
    }

    void query(String sql) throws IOException {
        byte[] s = sql.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[s.length + 1];
        System.arraycopy(s, 0, body, 0, s.length);
        send('Q', body);
    }

    Message read() throws IOException {
        char type = (char) in.readUnsignedByte();
        int len = in.readInt();
        byte[] body = new byte[len - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    /** Reads until a message of {@code type}, or the end of the stream (null). */
    Message readUntil(char type) throws IOException {
        while (true) {
            Message m;
            try {
                m = read();
            } catch (java.io.EOFException | java.net.SocketException e) {
                return null;
            }
            if (m.type == type) {
                return m;
            }
        }
    }

    static void cancel(int port, int pid, int secret) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port); DataOutputStream o = new DataOutputStream(s.getOutputStream())) {
            o.writeInt(16);
            o.writeInt(80877102);
            o.writeInt(pid);
            o.writeInt(secret);
            o.flush();
            s.getInputStream().read(); // the server closes it
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
