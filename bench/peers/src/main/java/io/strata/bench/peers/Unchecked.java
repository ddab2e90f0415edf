package io.strata.bench.peers;

/**
 * Runs a clean-up step whose API throws checked exceptions (JDBC, JetStream management, Kafka admin
 * futures) from a {@code close()} that throws none, so that try-with-resources never has to expect an
 * {@link InterruptedException} from a close. A failure is rethrown unchecked, saying what was being done.
 */
final class Unchecked {
    /** A step that may throw anything. */
    interface Step {
        void run() throws Exception;
    }

    private Unchecked() {
    }

    static void run(String what, Step step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (Exception e) {
            throw new IllegalStateException("failed while " + what + ": " + e, e);
        }
    }
}
