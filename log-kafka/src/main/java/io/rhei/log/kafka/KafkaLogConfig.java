package io.rhei.log.kafka;

import io.rhei.core.RheiException;
import io.rhei.core.config.ConfigKey;
import io.rhei.core.config.Settings;

import java.time.Duration;
import java.util.List;

/** Settings of a {@link KafkaChangeLog}: where the brokers are and which topic is the log. */
public record KafkaLogConfig(String bootstrapServers, String topic, short replicationFactor, Duration timeout) {
    public static final ConfigKey BOOTSTRAP_SERVERS = ConfigKey.of("log.kafka.bootstrap-servers", "",
            "with `log.type=kafka`: the brokers, `host:port[,host:port...]` (required)");
    public static final ConfigKey TOPIC = ConfigKey.of("log.kafka.topic", "rhei-changes",
            "with `log.type=kafka`: the log's topic, one partition (created at the first start if missing)");
    public static final ConfigKey REPLICATION_FACTOR = ConfigKey.of("log.kafka.replication-factor", "3",
            "with `log.type=kafka`: replicas of a topic Rhei creates (at most the brokers there are)");
    public static final ConfigKey TIMEOUT = ConfigKey.of("log.kafka.timeout", "60s",
            "with `log.type=kafka`: how long an append or a start waits for the brokers before it fails");
    public static final List<ConfigKey> KEYS = List.of(BOOTSTRAP_SERVERS, TOPIC, REPLICATION_FACTOR, TIMEOUT);

    public KafkaLogConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new RheiException("log.type=kafka needs log.kafka.bootstrap-servers (host:port of one broker or more)");
        }
        if (topic == null || topic.isBlank()) {
            throw new RheiException("log.kafka.topic must not be empty");
        }
        if (replicationFactor < 1) {
            throw new RheiException("log.kafka.replication-factor must be at least 1, got " + replicationFactor);
        }
    }

    public static KafkaLogConfig of(String bootstrapServers, String topic) {
        return new KafkaLogConfig(bootstrapServers, topic, (short) 3, Duration.ofSeconds(60));
    }

    public static KafkaLogConfig from(Settings s) {
        return new KafkaLogConfig(s.getString(BOOTSTRAP_SERVERS), s.getString(TOPIC), (short) s.getInt(REPLICATION_FACTOR), s.getDuration(TIMEOUT));
    }

    KafkaLogConfig withTimeout(Duration t) {
        return new KafkaLogConfig(bootstrapServers, topic, replicationFactor, t);
    }
}
