package io.rhei;

import io.rhei.core.RheiException;
import io.rhei.core.config.ConfigKey;
import io.rhei.core.config.Settings;
import io.rhei.core.log.ChangeLog;
import io.rhei.core.log.ChronicleChangeLog;
import io.rhei.core.log.ChronicleLogConfig;
import io.rhei.log.kafka.KafkaChangeLog;
import io.rhei.log.kafka.KafkaLogConfig;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Which change log a Rhei writes and reads: a Chronicle Queue in {@code log.dir} (the default), or a Kafka topic
 * ({@code log.type=kafka}); with Kafka, {@code log.dir} still holds capture's own state (Debezium's offsets, the
 * snapshot's progress).
 */
final class ChangeLogs {
    static final ConfigKey TYPE = ConfigKey.of("log.type", "chronicle",
            "`chronicle`: a Chronicle Queue in `log.dir`; `kafka`: a Kafka topic (`log.kafka.*`), `log.dir` keeping capture's state");
    /** The keys of the change log's section: the type, then each kind's own. */
    static final List<ConfigKey> KEYS = keys();

    private ChangeLogs() {
    }

    private static List<ConfigKey> keys() {
        java.util.ArrayList<ConfigKey> all = new java.util.ArrayList<>();
        all.add(TYPE);
        all.addAll(ChronicleLogConfig.KEYS);
        all.addAll(KafkaLogConfig.KEYS);
        return List.copyOf(all);
    }

    static ChangeLog open(Settings settings) {
        String type = settings.getString(TYPE).toLowerCase(Locale.ROOT);
        return switch (type) {
            case "chronicle" -> ChronicleChangeLog.open(ChronicleLogConfig.from(settings));
            case "kafka" -> KafkaChangeLog.open(KafkaLogConfig.from(settings));
            default -> throw new RheiException("configuration key log.type must be chronicle or kafka, got '" + type + "'");
        };
    }

    /** A log to replay: a Chronicle directory, or {@code kafka://host:port[,host:port]/topic}. */
    static ChangeLog openForReplay(String location) {
        if (location.startsWith("kafka://")) {
            URI uri = URI.create(location);
            String topic = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
            if (uri.getRawAuthority() == null || topic.isEmpty()) {
                throw new RheiException("a Kafka log is kafka://host:port/topic, got " + location);
            }
            return KafkaChangeLog.openReadOnly(new KafkaLogConfig(uri.getRawAuthority(), topic, (short) 1, Duration.ofSeconds(60)));
        }
        Path dir = Path.of(location);
        if (!Files.isDirectory(dir)) {
            throw new RheiException("no change log at " + dir.toAbsolutePath() + " (give the log.dir of the sidecar that recorded it, "
                    + "or kafka://host:port/topic)");
        }
        return ChronicleChangeLog.open(dir);
    }
}
