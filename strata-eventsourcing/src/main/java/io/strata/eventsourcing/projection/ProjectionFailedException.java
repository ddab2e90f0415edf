package io.strata.eventsourcing.projection;

/** Thrown by a runner's await methods when the runner stopped on a {@link ProjectionFailure}. */
public final class ProjectionFailedException extends RuntimeException {
    private final transient ProjectionFailure failure;

    public ProjectionFailedException(ProjectionFailure failure) {
        super(failure.message(), failure.cause());
        this.failure = failure;
    }

    public ProjectionFailure failure() {
        return failure;
    }
}
