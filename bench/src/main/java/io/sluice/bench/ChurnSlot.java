package io.sluice.bench;

import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CountDownLatch;

/**
 * One of the churn case's N slots: runs short sessions one after another while the run sends, each on whichever
 * event loop the connector picks. The slot's message source and verifier carry on from session to session (message
 * k of the slot is the k-th session's one message), so no session allocates them. At most one session runs at a
 * time, and each hands over to the next from its own loop, so the slot needs no lock.
 */
final class ChurnSlot {
    private final ChurnRun run;
    private final Target target;
    private final MessageSource source;
    private final EchoVerifier verifier;
    private final CountDownLatch stopped;

    ChurnSlot(ChurnRun run, Target target, int id, int size, CountDownLatch stopped) {
        this.run = run;
        this.target = target;
        this.source = new MessageSource(id, size, true);
        this.verifier = new EchoVerifier(id, size);
        this.stopped = stopped;
    }

    Target target() {
        return target;
    }

    MessageSource source() {
        return source;
    }

    EchoVerifier verifier() {
        return verifier;
    }

    /** Starts the next session, or stops the slot once the run no longer sends. */
    void next() {
        if (!run.control().sending()) {
            stopped.countDown();
            return;
        }
        ChurnSession session = new ChurnSession(this, System.nanoTime());
        ChannelFuture connect = run.connector().connect(target, session);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                session.connectFailed(f.cause());
            }
        });
    }

    void sessionDone(EventExecutor loop, long upgradeNanos, long closeNanos) {
        run.record(loop, upgradeNanos, closeNanos);
        next();
    }

    /** A failed session makes the run invalid; the slot stops, so a broken server is not hammered. */
    void sessionFailed(String what) {
        run.control().error(what);
        stopped.countDown();
    }
}
