package io.rhei.cdc;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.pipeline.notification.Notification;
import io.debezium.pipeline.notification.channels.NotificationChannel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Debezium notification channel {@value #NAME} (found through {@code META-INF/services}): reports an incremental
 * snapshot that gave up on a table. Debezium then logs a warning and goes on with the next table (a failed chunk
 * query, a table without a primary key, a schema it could not read), which would leave that table incomplete without
 * an error. The capture registered under the connector's name hears of it and stops before acknowledging anything
 * after it, so a restart reads the table's chunk again.
 */
public final class TableScanWatch implements NotificationChannel {
    static final String NAME = "rhei";
    private static final Map<String, Consumer<String>> LISTENERS = new ConcurrentHashMap<>();
    private String connector;

    static void register(String connectorName, Consumer<String> onTableGivenUp) {
        LISTENERS.put(connectorName, onTableGivenUp);
    }

    static void unregister(String connectorName) {
        LISTENERS.remove(connectorName);
    }

    @Override
    public void init(CommonConnectorConfig config) {
        connector = config.getConfig().getString("name");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void send(Notification n) {
        if (!"Incremental Snapshot".equals(n.getAggregateType()) || !"TABLE_SCAN_COMPLETED".equals(n.getType())) {
            return;
        }
        String status = n.getAdditionalData().getOrDefault("status", "");
        if (status.equals("SUCCEEDED") || status.equals("EMPTY")) {
            return;
        }
        Consumer<String> listener = connector == null ? null : LISTENERS.get(connector);
        if (listener != null) {
            listener.accept("the incremental snapshot gave up on table " + n.getAdditionalData().get("scanned_collection") + " (" + status
                    + "; Debezium's log above says why)");
        }
    }

    @Override
    public void close() {
    }
}
