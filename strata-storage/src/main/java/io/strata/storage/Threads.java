package io.strata.storage;

/** Small helpers for the engine's own threads (writer, syncer, checkpointer, spare segment). */
final class Threads {
    private Threads() {
    }

    /**
     * Waits until {@code thread} has ended, even if the caller is interrupted meanwhile (its interrupt
     * status is set again afterwards). The engine's threads hold files and unanswered appends: returning
     * while one still runs would let the store close its files under it.
     */
    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
