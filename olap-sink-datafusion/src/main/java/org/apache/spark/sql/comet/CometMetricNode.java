package org.apache.spark.sql.comet;

import org.apache.comet.serde.Metric.NativeMetricNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Operator metrics of one native plan, a tree shaped like the plan. The native side calls
 * {@link #set_all_from_bytes} (at release, or periodically) with a serialised {@code NativeMetricNode}.
 */
public class CometMetricNode {
    private final Map<String, Long> metrics = Collections.synchronizedMap(new TreeMap<>());
    private final List<CometMetricNode> children = new ArrayList<>();
    /** Metrics of native plans that ran before this one to produce its input (Rhei's, never set by native code). */
    private final List<CometMetricNode> inputs = new java.util.concurrent.CopyOnWriteArrayList<>();

    public List<CometMetricNode> inputs() {
        return List.copyOf(inputs);
    }

    /**
     * The sum of a metric over the leaf operators (the scans that fetch from the JVM), in this plan and the plans it
     * read from. Leaves rather than a scan-only metric's name, which differs between native releases.
     */
    public long sumOverLeaves(String name) {
        List<CometMetricNode> below = children();
        long total = below.isEmpty() ? metrics().getOrDefault(name, 0L) : 0;
        for (CometMetricNode c : below) {
            total += c.sumOverLeaves(name);
        }
        for (CometMetricNode in : inputs) {
            total += in.sumOverLeaves(name);
        }
        return total;
    }

    /** Adds the metrics of a plan whose results this plan reads (a share of a parallel aggregation). */
    public void addInput(CometMetricNode input) {
        inputs.add(input);
    }

    public synchronized CometMetricNode getChildNode(int i) {
        while (children.size() <= i) {
            children.add(new CometMetricNode());
        }
        return children.get(i);
    }

    public void set(String name, long value) {
        metrics.put(name, value);
    }

    public void set_all_from_bytes(byte[] bytes) {
        try {
            apply(NativeMetricNode.parseFrom(bytes));
        } catch (Exception e) {
            throw new IllegalStateException("malformed native metrics: " + e.getMessage(), e);
        }
    }

    private void apply(NativeMetricNode n) {
        metrics.putAll(n.getMetricsMap());
        for (int i = 0; i < n.getChildrenCount(); i++) {
            getChildNode(i).apply(n.getChildren(i));
        }
    }

    public Map<String, Long> metrics() {
        synchronized (metrics) {
            return Map.copyOf(metrics);
        }
    }

    public synchronized List<CometMetricNode> children() {
        return List.copyOf(children);
    }

    /** The tree as text, one operator per line (indented by depth) with its metrics. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        render(sb, "");
        return sb.toString();
    }

    private void render(StringBuilder sb, String indent) {
        sb.append(indent).append(metrics()).append('\n');
        for (CometMetricNode c : children()) {
            c.render(sb, indent + "  ");
        }
        for (CometMetricNode in : inputs) {
            sb.append(indent).append("input plan:\n");
            in.render(sb, indent + "  ");
        }
    }

    /** The largest value of a metric anywhere in the tree (e.g. {@code output_rows}), or -1 when absent. */
    public long max(String name) {
        long m = metrics().getOrDefault(name, -1L);
        for (CometMetricNode c : children()) {
            m = Math.max(m, c.max(name));
        }
        for (CometMetricNode in : inputs) {
            m = Math.max(m, in.max(name));
        }
        return m;
    }
}
