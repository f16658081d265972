package io.rhei.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Prints benchmark figures: each one beside its same-run baseline, as a ratio, with the target it is held to. */
final class Report {
    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    void section(String title) {
        out.println();
        out.println("== " + title);
    }

    void line(String text) {
        out.println("   " + text);
    }

    /** A rate beside a baseline rate; {@code ratio} is written the way the target is phrased. */
    void ratio(String name, double value, String unit, String baselineName, double baseline, double ratio, String target, boolean met) {
        out.printf(Locale.ROOT, "   %-34s %,14.0f %s   baseline %s %,14.0f %s   ratio %6.2f   target %s  %s%n",
                name, value, unit, baselineName, baseline, unit, ratio, target, met ? "OK" : "MISSED");
    }

    void absolute(String name, double value, String unit, String target, boolean met) {
        out.printf(Locale.ROOT, "   %-34s %,14.0f %s   target %s  %s%n", name, value, unit, target, met ? "OK" : "MISSED");
    }
}
