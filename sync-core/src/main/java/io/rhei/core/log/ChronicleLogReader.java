package io.rhei.core.log;

import io.rhei.core.model.LogRecord;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

import java.time.Duration;
import java.util.List;
import java.util.NavigableSet;

/**
 * Reads a {@link ChronicleChangeLog} in sequence order. Positioning jumps straight to the record when it can
 * (sequence numbers are contiguous inside a segment) and otherwise reads forward from the segment's start.
 * Every record is checked: its checksum, its decoding, and that its sequence is the one expected next.
 */
final class ChronicleLogReader implements LogReader {
    /** Longest wait between checks for records appended by another process. */
    private static final long CROSS_PROCESS_CHECK_NANOS = 10_000_000L;

    private final ChronicleChangeLog log;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final LogRecordCodec codec = new LogRecordCodec();
    private final DocumentBytes buf = new DocumentBytes();
    private long nextSeq;
    private long bytesRead;

    ChronicleLogReader(ChronicleChangeLog log, SingleChronicleQueue queue, long fromSeq) {
        this.log = log;
        this.queue = queue;
        this.tailer = queue.createTailer();
        // A reader belongs to one thread at a time, but may be created on another.
        tailer.singleThreadedCheckDisabled(true);
        try {
            seek(fromSeq);
        } catch (RuntimeException e) {
            tailer.close();
            throw e;
        }
    }

    private void seek(long fromSeq) {
        tailer.toStart();
        long firstIndex;
        long firstSeq;
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                tailer.toStart();
                nextSeq = fromSeq;
                return;
            }
            firstIndex = dc.index();
            int len = buf.copy(dc);
            if (!codec.checksumMatches(buf.array(), 0, len)) {
                throw new CorruptRecordException(-1, log.describeIndex(firstIndex), "the first record fails its checksum", null);
            }
            firstSeq = LogRecordCodec.peekSeq(buf.array(), 0);
        }
        if (fromSeq <= firstSeq) {
            tailer.moveToIndex(firstIndex);
            nextSeq = firstSeq;
            return;
        }
        nextSeq = fromSeq;
        RollCycle rc = queue.rollCycle();
        NavigableSet<Long> cycles = queue.listCyclesBetween(queue.firstCycle(), queue.lastCycle());
        for (Long c : cycles.descendingSet()) {
            long cycleStart = rc.toIndex(c.intValue(), 0);
            long startSeq = seqAt(cycleStart);
            if (startSeq < 0 || startSeq > fromSeq) {
                continue;
            }
            long offset = fromSeq - startSeq;
            if (offset < rc.maxMessagesPerCycle()) {
                long target = rc.toIndex(c.intValue(), offset);
                if (seqAt(target) == fromSeq) {
                    tailer.moveToIndex(target);
                    return;
                }
            }
            // Not directly addressable (e.g. past the end): read forward from the segment's start.
            tailer.moveToIndex(cycleStart);
            return;
        }
        tailer.moveToIndex(firstIndex);
    }

    private long seqAt(long index) {
        if (!tailer.moveToIndex(index)) {
            return -1;
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return -1;
            }
            int len = buf.copy(dc);
            return codec.checksumMatches(buf.array(), 0, len) ? LogRecordCodec.peekSeq(buf.array(), 0) : -1;
        }
    }

    @Override
    public int poll(List<LogRecord> into, int max, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        AppendSignal signal = log.signal();
        while (true) {
            long seen = signal.count();
            int n = readAvailable(into, max);
            if (n > 0) {
                return n;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return 0;
            }
            signal.await(seen, Math.min(remaining, CROSS_PROCESS_CHECK_NANOS));
        }
    }

    private int readAvailable(List<LogRecord> into, int max) {
        int n = 0;
        while (n < max) {
            long index;
            int len;
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                index = dc.index();
                len = buf.copy(dc);
            }
            byte[] bytes = buf.array();
            long seq = len >= LogRecordCodec.HEADER_BYTES ? LogRecordCodec.peekSeq(bytes, 0) : -1;
            if (seq != nextSeq || len < LogRecordCodec.HEADER_BYTES) {
                // Only here is the checksum checked separately; decode() checks it for the expected record.
                if (!codec.checksumMatches(bytes, 0, len)) {
                    throw corrupt(index, "checksum mismatch over " + len + " bytes", null);
                }
                if (seq < nextSeq) {
                    continue; // before the requested start: positioning read forward from a segment's start
                }
                throw corrupt(index, "found sequence " + seq + " where " + nextSeq + " was expected", null);
            }
            LogRecord record;
            try {
                record = codec.decode(bytes, 0, len);
            } catch (MalformedRecordException e) {
                throw corrupt(index, e.getMessage(), e);
            }
            into.add(record);
            nextSeq = seq + 1;
            bytesRead += len;
            n++;
        }
        return n;
    }

    /** Leaves the reader before the bad record, so a retry fails again instead of skipping it. */
    private CorruptRecordException corrupt(long index, String detail, Throwable cause) {
        tailer.moveToIndex(index);
        return new CorruptRecordException(nextSeq, log.describeIndex(index), detail, cause);
    }

    @Override
    public long nextSeq() {
        return nextSeq;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() {
        tailer.close();
    }
}
