package dev.mooring.cli.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets Ctrl+C and SIGTERM stop a command that runs until stopped ({@code sync --watch}, {@code peer serve}) cleanly:
 * the shutdown hook interrupts the thread that created it and holds the JVM (30 s at most) until {@link #release()},
 * which the command calls after closing its database.
 */
final class StopOnSignal {
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    /** @param name the hook thread's name, for thread dumps */
    StopOnSignal(String name) {
        Thread running = Thread.currentThread();
        hook = new Thread(() -> {
            running.interrupt();
            try {
                closed.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    void release() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it is what stopped the command
        }
    }
}
