package io.rhei.cli;

import io.rhei.cdc.PostgresSourceConfig;
import io.rhei.cdc.ResyncSignal;
import io.rhei.core.config.Settings;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.core.model.TableId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rhei resync TABLE... --config rhei.properties}: asks the sidecar running with that configuration to read
 * the tables again from PostgreSQL. The other tables keep streaming; each named table is replaced by a fresh copy
 * and then follows the stream again.
 */
@Command(name = "resync", mixinStandardHelpOptions = true,
        description = "Re-snapshots tables in the running sidecar (others keep streaming); each is replaced by a fresh copy.")
final class ResyncCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "tables, as schema.table (public. may be left out)")
    List<String> tables;

    @Option(names = "--config", required = true, description = "the configuration file of the running sidecar")
    Path config;

    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Settings s = Settings.load(config, System.getenv(), io.rhei.RheiConfig.KEYS);
        PostgresSourceConfig source = PostgresSourceConfig.from(s, ChronicleLogConfig.from(s).directory());
        List<TableId> ids = tables.stream().map(t -> TableId.parse(t.contains(".") ? t : "public." + t)).toList();
        String id = ResyncSignal.send(source, ids);
        out.println("resync of " + ids + " requested (" + id + "): the running sidecar picks it up within a second; "
                + "its log says when each table has been read again");
        return 0;
    }
}
