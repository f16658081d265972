package io.rhei.cdc;

import io.rhei.testing.EmbeddedPostgresServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One embedded PostgreSQL per test class: {@code @RegisterExtension static final EmbeddedPostgresExtension PG = ...}. */
final class EmbeddedPostgresExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedPostgresServer server;

    EmbeddedPostgresServer server() {
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = EmbeddedPostgresServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }
}
