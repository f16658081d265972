package io.rhei.cdc;

import io.rhei.core.LifecycleState;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;

import java.nio.file.Path;

/** A capturing process for crash tests: runs a source until it is killed. Args: port, log dir, offsets file, slot, tables[, snapshot method]. */
public final class CaptureChild {
    private CaptureChild() {
    }

    public static void main(String[] args) throws Exception {
        PostgresSourceConfig cfg = PostgresSourceConfig.local(Integer.parseInt(args[0]), "postgres", "postgres", "", Path.of(args[2]), args[3])
                .withTablesInclude(args[4]);
        if (args.length > 5) {
            cfg = cfg.withSnapshotMethod(PostgresSourceConfig.SnapshotMethod.valueOf(args[5]), 2);
        }
        ChronicleChangeLog log = ChronicleChangeLog.open(ChronicleLogConfig.defaults(Path.of(args[1])).withMinFreeBytes(0));
        PostgresCdcSource source = new PostgresCdcSource(cfg, log);
        source.start();
        source.awaitTermination(Long.MAX_VALUE, java.util.concurrent.TimeUnit.DAYS);
        System.exit(source.state() == LifecycleState.FAILED ? 2 : 0);
    }
}
