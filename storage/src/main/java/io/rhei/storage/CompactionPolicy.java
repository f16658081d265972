package io.rhei.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The compaction policy: which files of a table are worth rewriting together (the mechanics are the table's). */
final class CompactionPolicy {
    private static final int TIER_FACTOR = 4;
    private final StorageConfig config;

    CompactionPolicy(StorageConfig config) {
        this.config = config;
    }

    /**
     * Size-tiered choice. Files smaller than half the target, in size order, form runs of similar size: a run
     * goes on while the next file is at most {@value #TIER_FACTOR} times the rows taken so far (files under 1/64
     * of the target always fit) and the total stays within the target. The run with the most files is merged, so
     * a tiny new file is merged with other small ones, never copied into a large one, and every row is
     * rewritten a logarithmic number of times. Files with more than the allowed fraction of deleted rows are
     * always rewritten (alone if need be). Empty when nothing is worth rewriting.
     */
    List<Segment> choose(List<Segment> segments) {
        List<Segment> bySize = new ArrayList<>(segments);
        bySize.sort(Comparator.comparingInt(Segment::liveRows));
        long floor = Math.max(1, config.compactionTargetRows() / 64);
        List<Segment> best = List.of();
        List<Segment> run = new ArrayList<>();
        long rows = 0;
        for (Segment seg : bySize) {
            if (seg.liveRows() >= config.compactionTargetRows() / 2) {
                break;
            }
            boolean fits = rows + seg.liveRows() <= config.compactionTargetRows();
            boolean similar = run.isEmpty() || seg.liveRows() <= TIER_FACTOR * Math.max(floor, rows);
            if (!fits || !similar) {
                if (run.size() > best.size()) {
                    best = run;
                }
                run = new ArrayList<>();
                rows = 0;
            }
            run.add(seg);
            rows += seg.liveRows();
        }
        if (run.size() > best.size()) {
            best = run;
        }
        List<Segment> chosen = new ArrayList<>(best.size() >= 2 ? best : List.of());
        rows = chosen.stream().mapToLong(Segment::liveRows).sum();
        for (Segment seg : segments) {
            boolean mostlyDeleted = seg.deleted().getCardinality() > seg.file().rowCount() * config.compactionMaxDeleted();
            if (mostlyDeleted && !chosen.contains(seg) && rows + seg.liveRows() <= Math.max(config.compactionTargetRows(), seg.liveRows())) {
                chosen.add(seg);
                rows += seg.liveRows();
            }
        }
        return chosen;
    }
}
