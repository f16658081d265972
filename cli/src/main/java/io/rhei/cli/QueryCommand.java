package io.rhei.cli;

import io.rhei.core.RheiException;
import io.rhei.olap.DataFusionOlapEngine;
import io.rhei.olap.exec.NativeQueryOptions;
import io.rhei.storage.StorageConfig;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rhei query}: runs one SQL query, on a running Rhei through its Flight SQL server, or straight on durable
 * (Vortex) storage opened read-only, and prints the result as it streams in.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Runs a SQL query on a running Rhei (Flight SQL) or on Vortex storage, and prints the result.")
final class QueryCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the SQL query")
    String sql;

    @Option(names = "--server", description = "host:port of the query server (default ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:47470")
    String server;

    @Option(names = "--storage", description = "query Vortex storage directly instead (a directory or s3://bucket/prefix), read-only")
    String storage;

    @Option(names = "--user", description = "user name, when the server requires authentication")
    String user;

    @Option(names = "--password-env", description = "environment variable holding the password (default ${DEFAULT-VALUE})",
            defaultValue = "RHEI_PASSWORD")
    String passwordEnv;

    @Option(names = "--password-file", description = "file holding the password (instead of the environment variable)")
    java.nio.file.Path passwordFile;

    @Option(names = "--format", description = "table (default), csv, json (one object per line) or arrow (Arrow IPC stream)",
            defaultValue = "table")
    String format;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Override
    public Integer call() {
        ResultPrinter printer;
        try {
            printer = ResultPrinter.forFormat(format, out);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        return storage != null ? queryStorage(printer) : queryServer(printer);
    }

    private int queryStorage(ResultPrinter printer) {
        try (BufferAllocator allocator = new RootAllocator();
             DataFusionOlapEngine engine = new DataFusionOlapEngine(StorageConfig.defaults().withUri(storage).openReadOnly(allocator),
                     NativeQueryOptions.defaults());
             ArrowReader reader = engine.query(sql, allocator)) {
            printer.start(reader.getVectorSchemaRoot());
            while (reader.loadNextBatch()) {
                printer.batch(reader.getVectorSchemaRoot());
            }
            printer.end();
            return 0;
        } catch (RheiException e) {
            err.println("query failed: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("query failed: " + e);
            return 1;
        }
    }

    private int queryServer(ResultPrinter printer) {
        int colon = server.lastIndexOf(':');
        if (colon < 0) {
            err.println("--server must be host:port, got '" + server + "'");
            return 2;
        }
        Location location = Location.forGrpcInsecure(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)));
        try (BufferAllocator allocator = new RootAllocator();
             FlightClient flight = FlightClient.builder(allocator, location).build();
             FlightSqlClient client = new FlightSqlClient(flight)) {
            List<CallOption> options = new ArrayList<>();
            if (user != null) {
                String password = passwordFile != null ? java.nio.file.Files.readString(passwordFile).strip() : System.getenv(passwordEnv);
                if (password == null) {
                    err.println("set the password in the environment variable " + passwordEnv + " or give --password-file");
                    return 2;
                }
                flight.authenticateBasicToken(user, password).ifPresent(options::add);
            }
            CallOption[] call = options.toArray(new CallOption[0]);
            FlightInfo info = client.execute(sql, call);
            boolean started = false;
            for (FlightEndpoint endpoint : info.getEndpoints()) {
                try (FlightStream stream = client.getStream(endpoint.getTicket(), call)) {
                    if (!started) {
                        printer.start(stream.getRoot());
                        started = true;
                    }
                    while (stream.next()) {
                        printer.batch(stream.getRoot());
                    }
                }
            }
            printer.end();
            return 0;
        } catch (FlightRuntimeException e) {
            err.println("query failed (" + e.status().code() + "): " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("query failed: " + e.getMessage());
            return 1;
        }
    }
}
