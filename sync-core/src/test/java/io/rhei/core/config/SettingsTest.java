package io.rhei.core.config;

import io.rhei.core.RheiException;
import io.rhei.core.engine.SyncEngineConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {
    @Test
    void environmentOverridesFileAndUnitsParse() {
        Settings s = Settings.of(Map.of("sync.batch.max-events", "10", "sync.batch.max-bytes", "8m"))
                .withEnvironment(Map.of("RHEI_SYNC_BATCH_MAX_DELAY", "50ms", "RHEI_SYNC_BATCH_MAX_EVENTS", "20"), SyncEngineConfig.KEYS);
        SyncEngineConfig c = SyncEngineConfig.from(s);
        assertEquals(20, c.maxBatchEvents());
        assertEquals(8L << 20, c.maxBatchBytes());
        assertEquals(Duration.ofMillis(50), c.maxBatchDelay());
        assertEquals(Duration.ofSeconds(10), c.checkpointInterval());
    }

    @Test
    void logConfigFromKeys() {
        var c = io.rhei.core.log.ChronicleLogConfig.from(Settings.of(Map.of("log.dir", "/tmp/x", "log.fsync", "none",
                "log.retention", "2h", "log.roll-cycle", "fast_daily")));
        assertEquals(io.rhei.core.log.ChronicleLogConfig.FsyncPolicy.NONE, c.fsync());
        assertEquals(Duration.ofHours(2), c.retention());
        assertEquals(net.openhft.chronicle.queue.RollCycles.FAST_DAILY, c.rollCycle());
        RheiException e = assertThrows(RheiException.class, () -> io.rhei.core.log.ChronicleLogConfig.from(Settings.of(Map.of("log.dir", "/x", "log.fsync", "sometimes"))));
        assertTrue(e.getMessage().contains("log.fsync"), e.getMessage());
    }

    @Test
    void badValuesNameTheKeyAndSecretsAreMasked() {
        Settings s = Settings.of(Map.of("sync.batch.max-delay", "soon", "source.password", "hunter2"));
        RheiException e = assertThrows(RheiException.class, () -> SyncEngineConfig.from(s));
        assertTrue(e.getMessage().contains("sync.batch.max-delay") && e.getMessage().contains("soon"), e.getMessage());
        assertEquals("****", s.describe().get("source.password"));
        assertTrue(assertThrows(RheiException.class, () -> s.require("log.dir")).getMessage().contains("RHEI_LOG_DIR"));
    }

    @Test
    void anUnknownKeyIsAnErrorNamingTheNearestKnownOne() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("sync.batch.max-event", "10");
        RheiException e = assertThrows(RheiException.class, () -> Settings.fromProperties(p, "rhei.properties", SyncEngineConfig.KEYS));
        assertEquals("rhei.properties: unknown key 'sync.batch.max-event' (did you mean 'sync.batch.max-events'?); the keys are "
                + "listed in the README under Configuration", e.getMessage());
        p.clear();
        p.setProperty("completely.different", "1");
        RheiException far = assertThrows(RheiException.class, () -> Settings.fromProperties(p, "x", SyncEngineConfig.KEYS));
        assertTrue(!far.getMessage().contains("did you mean"), far.getMessage());
    }

    @Test
    void aCommentAfterAValueIsAnErrorThatSaysWhere() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("sync.batch.max-delay", "50ms            # lower latency");
        RheiException e = assertThrows(RheiException.class, () -> Settings.fromProperties(p, "rhei.properties", SyncEngineConfig.KEYS));
        assertTrue(e.getMessage().startsWith("rhei.properties: the value of sync.batch.max-delay is '50ms            # lower latency': "
                + "properties files have no comments after a value"), e.getMessage());
    }

    @Test
    void aKeysDefaultIsTheOneTheCodeApplies() {
        SyncEngineConfig d = SyncEngineConfig.from(Settings.empty());
        assertEquals(Settings.parseSize(SyncEngineConfig.MAX_BYTES.defaultText()), d.maxBatchBytes());
        assertEquals(Settings.parseDuration(SyncEngineConfig.MAX_DELAY.defaultText()), d.maxBatchDelay());
    }

    @Test
    void spellingDistance() {
        assertEquals(2, KeySpelling.distance("server.prot", "server.port"));
        assertEquals("source.tables.include", KeySpelling.nearest("sorce.tables.include", List.of("source.tables.include", "source.tables.exclude")));
    }
}
