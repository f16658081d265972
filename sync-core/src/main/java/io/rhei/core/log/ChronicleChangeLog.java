package io.rhei.core.log;

import io.rhei.core.model.LogRecord;
import io.rhei.core.model.SourcePosition;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;

/**
 * {@link ChangeLog} on Chronicle Queue: memory-mapped segment files ({@code *.cq4}), one per roll cycle.
 *
 * <p>Each record is one Chronicle document holding a {@link LogRecordCodec} record. Sequence numbers are ours,
 * not Chronicle's indexes (those jump at every roll). On open the last record is read back to restore the
 * sequence counter and the de-duplication watermark. A write torn by a crash is invisible to Chronicle and
 * overwritten by the next append, so sequence numbers stay gap-free. One process writes a directory
 * ({@link LogWriterLock}); the writer removes segments a crash left half-created ({@link UnfinishedSegments}).
 *
 * <p>Fsync policy {@link ChronicleLogConfig.FsyncPolicy#BATCH}: Chronicle {@code SyncMode.SYNC} and an
 * {@code msync} at the end of every {@link #append} call.
 */
public final class ChronicleChangeLog implements ChangeLog {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleChangeLog.class);
    private static final String CONSUMERS_DIR = "consumers";

    private final ChronicleLogConfig config;
    private final SingleChronicleQueue queue;
    /** Readers' view of the same files. Separate because a SYNC-mode queue msyncs as tailers move, which makes reads ~30x slower. */
    private final SingleChronicleQueue readQueue;
    private final ConsumerPositions consumers;
    private final FileStore fileStore;
    private final LogWriterLock writerLock;
    private final AppendSignal signal = new AppendSignal();

    private final Object appendLock = new Object();
    private final LogRecordCodec appendCodec = new LogRecordCodec();
    private final RecordBuffer batch = new RecordBuffer(1 << 16);
    private int[] recordEnds = new int[1024];
    private SourcePosition[] batchPositions = new SourcePosition[1024];
    private ExcerptAppender appender;
    private volatile long lastSeq;
    private volatile SourcePosition lastPosition = SourcePosition.NONE;
    private volatile boolean closed;

    private ChronicleChangeLog(ChronicleLogConfig config) {
        this.config = config;
        Path dir = config.directory();
        try {
            Files.createDirectories(dir);
            this.fileStore = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create change log directory " + dir, e);
        }
        this.writerLock = new LogWriterLock(dir);
        if (writerLock.tryAcquire()) {
            UnfinishedSegments.remove(dir); // before Chronicle opens them
        }
        this.queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(config.rollCycle())
                .timeProvider(config.clock())
                .syncMode(config.fsync() == ChronicleLogConfig.FsyncPolicy.BATCH ? SyncMode.SYNC : SyncMode.NONE)
                .build();
        this.readQueue = config.fsync() == ChronicleLogConfig.FsyncPolicy.BATCH
                ? SingleChronicleQueueBuilder.binary(dir).rollCycle(config.rollCycle()).timeProvider(config.clock()).build()
                : queue;
        try {
            this.consumers = new ConsumerPositions(dir.resolve(CONSUMERS_DIR));
            recoverWatermark();
        } catch (RuntimeException e) {
            closeQueues();
            writerLock.close();
            throw e;
        }
    }

    /** Opens (creating when missing) the log in {@code config.directory()}. */
    public static ChronicleChangeLog open(ChronicleLogConfig config) {
        ChronicleChangeLog log = new ChronicleChangeLog(config);
        LOG.info("change log {} opened: sequences {}..{}, last source position {}, fsync {}", config.directory(),
                log.firstSeq(), log.lastSeq, log.lastPosition, config.fsync());
        return log;
    }

    public static ChronicleChangeLog open(Path directory) {
        return open(ChronicleLogConfig.defaults(directory));
    }

    private void recoverWatermark() {
        try (ExcerptTailer back = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd()) {
            DocumentBytes buf = new DocumentBytes();
            long index;
            int len;
            try (DocumentContext dc = back.readingDocument()) {
                if (!dc.isPresent()) {
                    return;
                }
                index = dc.index();
                len = buf.copy(dc);
            }
            LogRecord last;
            try {
                last = appendCodec.decode(buf.array(), 0, len);
            } catch (MalformedRecordException e) {
                throw new CorruptRecordException(-1, describeIndex(index),
                        "the last record cannot be read, so the next sequence number is unknown: " + e.getMessage(), e);
            }
            lastSeq = last.seq();
            lastPosition = last.position();
        }
    }

    @Override
    public AppendResult append(List<? extends LogRecord> records) {
        synchronized (appendLock) {
            ensureOpen();
            if (records.isEmpty()) {
                return new AppendResult(0, 0, 0, 0);
            }
            // Encode everything first: a record that cannot be encoded fails the call before anything is written.
            batch.clear();
            int count = 0;
            int dropped = 0;
            long seq = lastSeq;
            SourcePosition watermark = lastPosition;
            for (LogRecord r : records) {
                if (!r.position().isAfter(watermark)) {
                    dropped++;
                    continue;
                }
                appendCodec.encode(r, ++seq);
                batch.writeBytes(appendCodec.encodedArray(), 0, appendCodec.encodedLength());
                if (count == recordEnds.length) {
                    recordEnds = Arrays.copyOf(recordEnds, count * 2);
                    batchPositions = Arrays.copyOf(batchPositions, count * 2);
                }
                recordEnds[count] = batch.length();
                batchPositions[count] = r.position();
                count++;
                watermark = r.position();
            }
            if (dropped > 0) {
                LOG.debug("change log dropped {} re-delivered records at or below source position {}", dropped, lastPosition);
            }
            if (count == 0) {
                return new AppendResult(0, dropped, 0, 0);
            }
            checkFreeSpace(batch.length());
            long first = lastSeq + 1;
            ExcerptAppender app = appender();
            int start = 0;
            for (int i = 0; i < count; i++) {
                try (DocumentContext dc = app.writingDocument()) {
                    dc.wire().bytes().write(batch.array(), start, recordEnds[i] - start);
                }
                start = recordEnds[i];
                // Advance per record: if a later write fails, what was written is accounted for and its
                // re-delivery is dropped as a duplicate.
                lastSeq = first + i;
                lastPosition = batchPositions[i];
            }
            if (config.fsync() == ChronicleLogConfig.FsyncPolicy.BATCH) {
                app.sync();
            }
            Arrays.fill(batchPositions, 0, count, null);
            signal.fire();
            return new AppendResult(count, dropped, first, lastSeq);
        }
    }

    private ExcerptAppender appender() {
        if (appender == null) {
            if (!writerLock.tryAcquire()) {
                throw new IllegalStateException("change log " + config.directory() + " is being written by another process"
                        + " (it holds " + writerLock.file() + "): one rhei process may write a log.dir; stop the other one"
                        + " or give this one its own log.dir");
            }
            appender = queue.createAppender();
            // Appends are serialized by appendLock; the caller's thread may differ from call to call.
            appender.singleThreadedCheckDisabled(true);
        }
        return appender;
    }

    private void checkFreeSpace(long needed) {
        long free;
        try {
            free = fileStore.getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read free space of " + config.directory(), e);
        }
        if (free - needed < config.minFreeBytes()) {
            throw new ChangeLogFullException("change log disk at " + config.directory() + " has " + (free >> 20)
                    + " MiB free, below log.min-free-bytes (" + (config.minFreeBytes() >> 20) + " MiB): nothing appended;"
                    + " free space (or lower retention) and the source resumes where it stopped");
        }
    }

    @Override
    public long lastSeq() {
        return lastSeq;
    }

    @Override
    public SourcePosition lastPosition() {
        return lastPosition;
    }

    @Override
    public long firstSeq() {
        ensureOpen();
        try (ExcerptTailer t = queue.createTailer()) {
            DocumentBytes buf = new DocumentBytes();
            try (DocumentContext dc = t.toStart().readingDocument()) {
                if (!dc.isPresent()) {
                    return 0;
                }
                if (buf.copy(dc) < LogRecordCodec.HEADER_BYTES) {
                    throw new CorruptRecordException(-1, describeIndex(dc.index()), "first record is too short", null);
                }
            }
            return LogRecordCodec.peekSeq(buf.array(), 0);
        }
    }

    @Override
    public LogReader openReader(long fromSeq) {
        ensureOpen();
        return new ChronicleLogReader(this, readQueue, Math.max(1, fromSeq));
    }

    @Override
    public void markConsumed(String name, long seq) {
        consumers.mark(name, seq);
    }

    @Override
    public Map<String, Long> consumers() {
        return consumers.snapshot();
    }

    @Override
    public void removeConsumer(String name) {
        consumers.remove(name);
    }

    @Override
    public long applyRetention() {
        ensureOpen();
        Map<String, Long> positions = consumers.snapshot();
        if (positions.isEmpty()) {
            return 0;
        }
        long minConsumed = positions.values().stream().mapToLong(Long::longValue).min().orElse(0);
        RollCycle rc = queue.rollCycle();
        NavigableSet<Long> cycles = queue.listCyclesBetween(queue.firstCycle(), queue.lastCycle());
        List<Long> ordered = new ArrayList<>(cycles);
        long now = config.clock().currentTimeMillis();
        long removed = 0;
        try (ExcerptTailer probe = queue.createTailer()) {
            DocumentBytes buf = new DocumentBytes();
            long firstSeqOfCycle = seqAt(probe, rc.toIndex(ordered.isEmpty() ? 0 : ordered.get(0).intValue(), 0), buf);
            for (int i = 0; i + 1 < ordered.size(); i++) {
                int cycle = ordered.get(i).intValue();
                long cycleEndMillis = (cycle + 1L) * rc.lengthInMillis();
                if (now - cycleEndMillis < config.retention().toMillis()) {
                    break;
                }
                long nextFirst = seqAt(probe, rc.toIndex(ordered.get(i + 1).intValue(), 0), buf);
                if (nextFirst <= 0 || nextFirst - 1 > minConsumed) {
                    break;
                }
                File file = cycleFile(cycle);
                if (!file.exists()) {
                    LOG.warn("change log segment {} of {} has no file {}; retention stops here", cycle, config.directory(), file);
                    break;
                }
                if (!file.delete()) {
                    LOG.warn("change log retention could not delete {}; will retry", file);
                    break;
                }
                long count = firstSeqOfCycle > 0 ? nextFirst - firstSeqOfCycle : 0;
                LOG.info("change log retention deleted segment {} (sequences {}..{}, every consumer passed {})",
                        file.getName(), firstSeqOfCycle, nextFirst - 1, minConsumed);
                removed += count;
                firstSeqOfCycle = nextFirst;
            }
        }
        if (removed > 0) {
            queue.refreshDirectoryListing();
            readQueue.refreshDirectoryListing();
        }
        return removed;
    }

    private File cycleFile(int cycle) {
        RollCycle rc = queue.rollCycle();
        String name = DateTimeFormatter.ofPattern(rc.format()).withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli((long) cycle * rc.lengthInMillis()));
        return config.directory().resolve(name + SingleChronicleQueue.SUFFIX).toFile();
    }

    /** The sequence stored at Chronicle {@code index}, or -1 when there is no record there. */
    private long seqAt(ExcerptTailer tailer, long index, DocumentBytes buf) {
        if (!tailer.moveToIndex(index)) {
            return -1;
        }
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent() || buf.copy(dc) < LogRecordCodec.HEADER_BYTES) {
                return -1;
            }
        }
        return LogRecordCodec.peekSeq(buf.array(), 0);
    }

    AppendSignal signal() {
        return signal;
    }

    String describeIndex(long index) {
        RollCycle rc = queue.rollCycle();
        int cycle = rc.toCycle(index);
        return String.format("queue index 0x%x (entry %d of segment %s in %s)", index, rc.toSequenceNumber(index),
                cycleFile(cycle).getName(), config.directory());
    }

    public ChronicleLogConfig config() {
        return config;
    }

    private void closeQueues() {
        if (readQueue != queue) {
            readQueue.close();
        }
        queue.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("change log " + config.directory() + " is closed");
        }
    }

    @Override
    public void close() {
        synchronized (appendLock) {
            if (closed) {
                return;
            }
            closed = true;
            if (appender != null) {
                appender.close();
            }
            closeQueues();
            writerLock.close();
            LOG.info("change log {} closed at sequence {}", config.directory(), lastSeq);
        }
    }
}
