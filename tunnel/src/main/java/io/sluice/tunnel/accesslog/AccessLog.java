package io.sluice.tunnel.accesslog;

import io.sluice.tunnel.config.AccessLogOptions;
import io.sluice.tunnel.session.Refusal;
import io.sluice.tunnel.session.SessionObserver;
import io.sluice.tunnel.session.SessionRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: ended sessions and refused handshakes are queued on the event loop (a bounded queue; when it is
 * full the line is dropped and counted, never waited for) and formatted and written by the thread
 * "sluice-access-log", which flushes whenever the queue runs empty. A file is opened for appending and reopened on
 * {@link #reopen()} (SIGUSR1 after logrotate moved it). Thread-safe.
 */
public final class AccessLog implements SessionObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    /** Lines waiting for the writer; beyond this they are dropped (and counted). */
    static final int QUEUE_CAPACITY = 8192;
    private static final Object STOP = new Object();
    private static final long DROP_WARN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final AccessLogOptions options;
    private final PrintStream stdout;
    private final BlockingQueue<Object> queue;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final AtomicBoolean reopenRequested = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread writer;
    private OutputStream out;
    private long droppedReported;
    private long lastDropWarn;

    /** A log to the file or stdout of {@code options}; lines are queued until {@link #start()}. */
    public AccessLog(AccessLogOptions options) {
        this(options, System.out, QUEUE_CAPACITY);
    }

    AccessLog(AccessLogOptions options, PrintStream stdout, int capacity) {
        this.options = options;
        this.stdout = stdout;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = new Thread(this::writeLoop, "sluice-access-log");
        writer.setDaemon(true);
    }

    /**
     * Opens the file for appending (created when missing) and starts the writer thread.
     *
     * @throws IOException when the file cannot be opened; the message names it
     */
    public void start() throws IOException {
        try {
            out = open();
        } catch (IOException e) {
            throw new IOException("access-log.path %s cannot be opened: %s".formatted(options.file(), e), e);
        }
        writer.start();
    }

    @Override
    public void closed(SessionRecord session) {
        enqueue(session);
    }

    @Override
    public void refused(Refusal refusal) {
        enqueue(refusal);
    }

    private void enqueue(Object entry) {
        if (closed.get() || !queue.offer(entry)) {
            dropped.increment();
        }
    }

    /** Lines dropped because the queue was full (or the log closed). */
    public long dropped() {
        return dropped.sum();
    }

    /** Lines written so far. */
    public long written() {
        return written.sum();
    }

    /** Closes and reopens the file before the next line (after logrotate renamed it); no-op for stdout. */
    public void reopen() {
        reopenRequested.set(true);
        queue.offer(Boolean.TRUE); // wakes the writer; a full queue wakes it anyway
    }

    private OutputStream open() throws IOException {
        if (options.toStdout()) {
            return stdout;
        }
        return Files.newOutputStream(options.file(), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>();
        boolean running = true;
        while (running) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch);
            for (Object entry : batch) {
                if (entry == STOP) {
                    running = false;
                } else {
                    write(entry);
                }
            }
            batch.clear();
            flush();
            reportDrops();
        }
        flush();
        closeOutput();
    }

    private void write(Object entry) {
        if (reopenRequested.getAndSet(false)) {
            reopenFile();
        }
        String line;
        if (entry instanceof SessionRecord session) {
            line = AccessLogLines.session(session, options.format());
        } else if (entry instanceof Refusal refusal) {
            line = AccessLogLines.refusal(refusal, options.format());
        } else {
            return; // a wake-up
        }
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            written.increment();
        } catch (IOException e) {
            dropped.increment();
            LOG.warn("access log {}: cannot write: {}", where(), e.getMessage());
        }
    }

    private void reopenFile() {
        if (options.toStdout()) {
            return;
        }
        closeOutput();
        try {
            out = open();
            LOG.info("access log {} reopened", options.file());
        } catch (IOException e) {
            out = OutputStream.nullOutputStream();
            LOG.warn("access log {}: cannot reopen ({}); lines are lost until the next SIGUSR1", options.file(),
                    e.getMessage());
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            LOG.warn("access log {}: cannot flush: {}", where(), e.getMessage());
        }
    }

    private void reportDrops() {
        long now = System.nanoTime();
        long total = dropped.sum();
        if (total > droppedReported && now - lastDropWarn >= DROP_WARN_NANOS) {
            LOG.warn("access log {}: {} lines dropped (the writer fell more than {} lines behind)", where(),
                    total - droppedReported, queue.remainingCapacity() + queue.size());
            droppedReported = total;
            lastDropWarn = now;
        }
    }

    private void closeOutput() {
        if (out != stdout) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("access log {}: cannot close: {}", where(), e.getMessage());
            }
        }
    }

    private String where() {
        return options.toStdout() ? "stdout" : options.file().toString();
    }

    /** Writes what is queued, then stops the writer and closes the file (bounded: 5 s); idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true) || !writer.isAlive()) {
            return;
        }
        try {
            // closed is set: nothing new is queued, so the stop comes after every line already queued
            if (queue.offer(STOP, 5, TimeUnit.SECONDS)) {
                writer.join(TimeUnit.SECONDS.toMillis(5));
            } else {
                writer.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
