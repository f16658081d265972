package io.rhei.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code scripts/bench}. {@code bench [core] [cdc] [snapshot] [storage] [protocol] [memory] [olap] [clickbench] [scale] [replicas] [--seconds N] [--events N] [--changes N] [--rows N] [--sf F] [--no-postgres] [--files] [--quick]}: runs the named suites (all by default)
 * and prints each figure beside a baseline measured in the same run.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        // --quick: every suite at small sizes (seconds each), so that CI notices a benchmark that no longer runs;
        // its figures are not the ones the README quotes
        boolean quick = a.contains("--quick");
        int events = quick ? 20_000 : 1_000_000;
        int i = a.indexOf("--events");
        if (i >= 0 && i + 1 < a.size()) {
            events = Integer.parseInt(a.get(i + 1));
        }
        boolean all = a.stream().noneMatch(s -> s.equals("core") || s.equals("cdc") || s.equals("olap") || s.equals("storage")
                || s.equals("protocol") || s.equals("snapshot") || s.equals("memory") || s.equals("scale") || s.equals("replicas") || s.equals("clickbench"));
        Report report = new Report(System.out);
        report.line("Rhei benchmarks: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        String nativeLibrary = System.getProperty("rhei.datafusion.library", "");
        report.line("DataFusion native library: " + (nativeLibrary.isBlank()
                ? "the packaged Comet 0.12.0 JNI build (DataFusion 50.3)" : nativeLibrary + " (--datafusion-55: Comet 1.2.0, DataFusion 55.2)"));
        if (all || a.contains("core")) {
            new CoreBenchmark(report, events).run();
        }
        if (all || a.contains("cdc")) {
            int changes = quick ? 5_000 : 200_000;
            int c = a.indexOf("--changes");
            if (c >= 0 && c + 1 < a.size()) {
                changes = Integer.parseInt(a.get(c + 1));
            }
            new CdcBenchmark(report, changes).run();
        }
        if (all || a.contains("snapshot")) {
            int r = a.indexOf("--rows");
            new SnapshotBenchmark(report, r >= 0 && r + 1 < a.size() ? Integer.parseInt(a.get(r + 1)) : quick ? 50_000 : 1_000_000).run();
        }
        if (all || a.contains("storage")) {
            int r = a.indexOf("--rows");
            long large = r >= 0 && r + 1 < a.size() ? Long.parseLong(a.get(r + 1)) : quick ? 100_000L : 10_000_000L;
            new StorageBenchmark(report, large / 10, large, 30).run();
        }
        if (all || a.contains("protocol")) {
            int r = a.indexOf("--rows");
            new ProtocolBenchmark(report, r >= 0 && r + 1 < a.size() ? Integer.parseInt(a.get(r + 1)) : quick ? 100_000 : 10_000_000).run();
        }
        if (all || a.contains("memory")) {
            int sf = a.indexOf("--sf");
            new MemoryBenchmark(report, sf >= 0 && sf + 1 < a.size() ? Double.parseDouble(a.get(sf + 1)) : quick ? 0.01 : 0.1, quick ? 5 : 70).run();
        }
        if (a.contains("replicas") || (all && quick)) {
            int sf = a.indexOf("--sf");
            int m = a.indexOf("--seconds");
            new ReplicaBenchmark(report, sf >= 0 && sf + 1 < a.size() ? Double.parseDouble(a.get(sf + 1)) : quick ? 0.01 : 1.0,
                    m >= 0 && m + 1 < a.size() ? Integer.parseInt(a.get(m + 1)) : quick ? 3 : 20).run();
        }
        if (a.contains("scale") || (all && quick)) { // hours at its default size: run when named (or small, with --quick)
            int sf = a.indexOf("--sf");
            int m = a.indexOf("--seconds");
            new ScaleBenchmark(report, sf >= 0 && sf + 1 < a.size() ? Double.parseDouble(a.get(sf + 1)) : quick ? 0.01 : 10.0,
                    m >= 0 && m + 1 < a.size() ? Integer.parseInt(a.get(m + 1)) : quick ? 10 : 300).run();
        }
        if (all || a.contains("olap")) {
            int sf = a.indexOf("--sf");
            double scale = sf >= 0 && sf + 1 < a.size() ? Double.parseDouble(a.get(sf + 1)) : quick ? 0.01 : 1.0;
            new OlapBenchmark(report, scale, !a.contains("--no-postgres"), a.contains("--files")).run();
        }
        if (all || a.contains("clickbench")) {
            int r = a.indexOf("--rows");
            new ClickBenchBenchmark(report, r >= 0 && r + 1 < a.size() ? Long.parseLong(a.get(r + 1)) : quick ? 20_000 : 2_000_000).run();
        }
    }
}
