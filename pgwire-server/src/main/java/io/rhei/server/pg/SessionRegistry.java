package io.rhei.server.pg;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's live sessions by their BackendKeyData: a CancelRequest, which arrives on a connection of its own,
 * names a session by process id and proves itself with the secret key the session was given.
 */
final class SessionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    /** A session's process id (unique in this server) and secret key. */
    record Key(int pid, int secret) {
    }

    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger nextPid = new AtomicInteger(10_000 + new SecureRandom().nextInt(50_000));
    private final Map<Integer, Registered> sessions = new ConcurrentHashMap<>();

    private record Registered(Key key, PgSession session) {
    }

    Key newKey() {
        return new Key(nextPid.getAndIncrement(), random.nextInt());
    }

    void register(Key key, PgSession session) {
        sessions.put(key.pid(), new Registered(key, session));
    }

    void remove(Key key) {
        sessions.remove(key.pid());
    }

    int size() {
        return sessions.size();
    }

    /** Cancels the running query of session {@code pid} when {@code secret} is its key; otherwise does nothing. */
    void cancel(int pid, int secret) {
        Registered r = sessions.get(pid);
        if (r == null || r.key().secret() != secret) {
            LOG.debug("cancel request for unknown session {} ignored", pid);
            return;
        }
        LOG.info("cancel request for PostgreSQL protocol session {}", pid);
        r.session().cancel();
    }
}
