package io.rhei.server.pg;

import io.rhei.core.RheiException;
import io.rhei.core.config.TlsFiles;
import io.rhei.core.query.Freshness;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.InMemoryStorage;
import io.rhei.storage.StorageConfig;
import io.rhei.testing.OrdersTable;
import io.rhei.testing.TestCertificates;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS on the PostgreSQL protocol: an SSLRequest answered 'S' when a certificate is configured, as pgjdbc sees it. */
class PgTlsTest {
    @TempDir
    Path dir;
    private RootAllocator root;
    private DataFusionOlapEngine engine;

    @BeforeEach
    void start() {
        root = new RootAllocator();
        engine = new DataFusionOlapEngine(new InMemoryStorage(root, StorageConfig.defaults()), NativeQueryOptions.defaults());
        OrdersTable.load(engine, 1_000);
    }

    @AfterEach
    void stop() {
        engine.close();
        assertEquals(0, root.getAllocatedMemory(), "every Arrow buffer released");
        root.close();
    }

    private static Connection connect(PgWireServer s, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "rhei");
        p.setProperty("password", "s3cret");
        p.setProperty("sslmode", sslmode);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + s.port() + "/rhei", p);
    }

    @Test
    void scramLoginAndQueriesOverTls() throws Exception {
        TlsFiles tls = TestCertificates.selfSigned(dir);
        try (PgWireServer server = PgWireServer.start(engine, Freshness.NONE, root, "127.0.0.1", 0, new PgWireServer.Auth("rhei", "s3cret"), tls)) {
            for (String mode : new String[] {"require", "prefer"}) {
                try (Connection c = connect(server, mode); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*), sum(id) FROM orders")) {
                    assertTrue(rs.next());
                    assertEquals(1_000, rs.getLong(1));
                    assertEquals(500_500, rs.getLong(2));
                    assertTrue(c.unwrap(org.postgresql.PGConnection.class) != null);
                }
            }
            try (Connection c = connect(server, "disable"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                assertTrue(rs.next(), "plain connections are still served beside TLS ones");
            }
        }
    }

    @Test
    void withoutACertificateTheServerSaysNoToSsl() throws Exception {
        try (PgWireServer server = PgWireServer.start(engine, Freshness.NONE, root, "127.0.0.1", 0, new PgWireServer.Auth("rhei", "s3cret"))) {
            SQLException e = assertThrows(SQLException.class, () -> connect(server, "require").close());
            assertTrue(e.getMessage().contains("does not support SSL"), e.getMessage());
        }
    }

    @Test
    void aKeyThatIsNotPemIsNamedWithTheFix() throws Exception {
        TlsFiles good = TestCertificates.selfSigned(dir);
        Path bad = Files.writeString(dir.resolve("bad.pem"), "not a key\n");
        RheiException e = assertThrows(RheiException.class, () -> PgWireServer.start(engine, Freshness.NONE, root, "127.0.0.1", 0,
                PgWireServer.Auth.NONE, new TlsFiles(good.certificateChain(), bad)));
        assertTrue(e.getMessage().contains("bad.pem") && e.getMessage().contains("PKCS#8"), e.getMessage());
        RheiException missing = assertThrows(RheiException.class, () -> TlsFiles.of(good.certificateChain().toString(), ""));
        assertTrue(missing.getMessage().contains("server.tls.key"), missing.getMessage());
    }
}
