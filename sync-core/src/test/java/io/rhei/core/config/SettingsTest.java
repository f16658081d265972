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
}
