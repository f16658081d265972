package io.rhei.cdc;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.pipeline.notification.Notification;
import io.debezium.pipeline.notification.channels.NotificationChannel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Debezium notification channel {@value #NAME} (found through {@code META-INF/services}): reports an incremental
 * snapshot that gave up on a table. Debezium then logs a warning and goes on with the next table (a failed chunk
 * query, a table without a primary key, a schema it could not read), which would leave that table incomplete without
 * an error. The capture registered under the connector's name hears of it and stops before acknowledging anything
 * after it, so a restart reads the table's chunk again. It also hears the end of the whole incremental snapshot,
 * which no acknowledged offset may show when every table was empty.
 */
public final class TableScanWatch implements NotificationChannel {
    static final String NAME = "rhei";
    private static final Map<String, Listener> LISTENERS = new ConcurrentHashMap<>();
    private String connector;

    /** What a capture hears: a table given up (why), and the end of the incremental snapshot. */
    interface Listener {
        void tableGivenUp(String problem);

        void snapshotCompleted();
    }

    static void register(String connectorName, Listener listener) {
        LISTENERS.put(connectorName, listener);
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
        Listener listener = connector == null ? null : LISTENERS.get(connector);
        if (listener != null && "Incremental Snapshot".equals(n.getAggregateType()) && "COMPLETED".equals(n.getType())) {
            listener.snapshotCompleted();
            return;
        }
        if (!"Incremental Snapshot".equals(n.getAggregateType()) || !"TABLE_SCAN_COMPLETED".equals(n.getType())) {
            return;
        }
        String status = n.getAdditionalData().getOrDefault("status", "");
        if (status.equals("SUCCEEDED") || status.equals("EMPTY")) {
            return;
        }
        if (listener != null) {
            listener.tableGivenUp("the incremental snapshot gave up on table " + n.getAdditionalData().get("scanned_collection") + " (" + status
                    + "; Debezium's log above says why)");
        }
    }

    @Override
    public void close() {
    }
}
