package io.strata.bench;

import java.time.Duration;

/**
 * Calls a progress report every few seconds on a daemon thread until closed, so long phases show
 * their counts. The report must be safe to call from another thread (read counters, not plain fields).
 */
final class Ticker implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    private Ticker(Duration every, Runnable report) {
        long millis = Math.max(10, every.toMillis());
        thread = Thread.ofPlatform().daemon().name("bench-progress").unstarted(() -> {
            while (running) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    return;
                }
                if (running) {
                    report.run();
                }
            }
        });
    }

    static Ticker start(Duration every, Runnable report) {
        Ticker ticker = new Ticker(every, report);
        ticker.thread.start();
        return ticker;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
