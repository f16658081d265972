package io.rhei;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.rhei.server.MetricsHttpServer.Sample;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rhei's figures as Micrometer gauges (named with dots: {@code rhei.events.applied.total}). The figures are read
 * once per scrape at most every 500 ms, not once per gauge; tables that appear later get their gauges on the next
 * read.
 */
final class MicrometerBinding {
    private static final long REFRESH_NANOS = 500_000_000L;
    private final Rhei rhei;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile Map<String, Double> latest = Map.of();
    private volatile long readAt;
    private MeterRegistry registry;

    MicrometerBinding(Rhei rhei) {
        this.rhei = rhei;
    }

    void bindTo(MeterRegistry registry) {
        this.registry = registry;
        refresh();
    }

    private synchronized void refresh() {
        List<Sample> samples = rhei.metrics();
        Map<String, Double> values = new HashMap<>();
        for (Sample s : samples) {
            String id = id(s);
            values.put(id, s.value());
            if (registered.add(id)) {
                Tags tags = Tags.empty();
                for (Map.Entry<String, String> l : s.labels().entrySet()) {
                    tags = tags.and(l.getKey(), l.getValue());
                }
                Gauge.builder(s.name().replace('_', '.'), this, b -> b.value(id)).tags(tags).description(s.help()).register(registry);
            }
        }
        latest = values;
        readAt = System.nanoTime();
    }

    private double value(String id) {
        if (System.nanoTime() - readAt > REFRESH_NANOS) {
            refresh();
        }
        return latest.getOrDefault(id, Double.NaN);
    }

    private static String id(Sample s) {
        return s.name() + new java.util.TreeMap<>(s.labels());
    }
}
