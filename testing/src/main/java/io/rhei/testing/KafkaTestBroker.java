package io.rhei.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker for tests: one KRaft node (broker and controller) in a child JVM on 127.0.0.1, its data in a
 * directory of the caller's. It can be killed and started again on the same data and port, as a broker restart. The
 * caller's module must have {@code org.apache.kafka:kafka_2.13} on its test classpath (this class names it only).
 */
public final class KafkaTestBroker implements AutoCloseable {
    private static final String CLUSTER_ID = "q1Sh-9_ISia_zwGINzRvyQ";
    private final Path dir;
    private final int port;
    private final Path config;
    private Process process;

    private KafkaTestBroker(Path dir, int port, Path config) {
        this.dir = dir;
        this.port = port;
        this.config = config;
    }

    /** Formats {@code dir} for a new single-node cluster and starts the broker. */
    public static KafkaTestBroker start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = freePort();
        int controllerPort = freePort();
        Path config = dir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.flush.interval.messages=1", // an acknowledged record is on disk: a killed broker keeps it
                "") + "\n");
        Process format = ChildJvm.of("kafka.tools.StorageTool").jvmFlags("-Xmx256m")
                .args("format", "-t", CLUSTER_ID, "-c", config.toString()).output(dir.resolve("format.log")).start();
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("formatting the Kafka test broker failed: " + Files.readString(dir.resolve("format.log")));
        }
        KafkaTestBroker broker = new KafkaTestBroker(dir, port, config);
        broker.startProcess();
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL: whatever the broker had not written is lost, as in a crash. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
            process = null;
        }
    }

    /** Starts the broker again on the same data and port (after {@link #kill}). */
    public void restart() throws IOException, InterruptedException {
        kill();
        startProcess();
    }

    private void startProcess() throws IOException, InterruptedException {
        Path log = dir.resolve("broker-" + System.nanoTime() + ".log");
        process = ChildJvm.of("kafka.Kafka").jvmFlags("-Xmx512m").args(config.toString()).output(log).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka test broker exited with " + process.exitValue() + ": " + tail(log));
            }
            if (listening()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the Kafka test broker did not listen on " + bootstrapServers() + " within 120 s: " + tail(log));
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
