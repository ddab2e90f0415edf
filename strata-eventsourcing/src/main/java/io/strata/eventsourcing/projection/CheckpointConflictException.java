package io.strata.eventsourcing.projection;

/**
 * Another runner moved the same projection version's checkpoint: two runners of one version are
 * running. The batch did not commit; the runner stops rather than race (or double-apply).
 */
public final class CheckpointConflictException extends IllegalStateException {
    public CheckpointConflictException(String message) {
        super(message);
    }

    public CheckpointConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
