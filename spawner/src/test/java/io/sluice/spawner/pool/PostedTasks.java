package io.sluice.spawner.pool;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * The supervisor thread's queue, run by hand: tasks posted to it (exit handling, connect-failure reports) wait until
 * the test calls {@link #runAll()}, as they wait behind the current task on the real thread. Thread-safe.
 */
final class PostedTasks implements Executor {

    private final Queue<Runnable> queue = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        queue.add(task);
    }

    /** Runs every posted task, including those posted meanwhile, on the calling thread. */
    void runAll() {
        Runnable next;
        while ((next = poll()) != null) {
            next.run();
        }
    }

    private synchronized Runnable poll() {
        return queue.poll();
    }
}
