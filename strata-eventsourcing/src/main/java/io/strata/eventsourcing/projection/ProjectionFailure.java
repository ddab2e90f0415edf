package io.strata.eventsourcing.projection;

import io.strata.core.RecordedEvent;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a runner stopped: what it was doing, on which event, after how many attempts. The event was
 * not skipped: its checkpoint was not moved past it (except for {@link Stage#SIDE_EFFECT}, whose
 * event had committed), so the next start tries it again.
 */
public record ProjectionFailure(String projection, int version, Stage stage, Optional<RecordedEvent> event,
                                int attempts, Throwable cause) {

    /** What the runner was doing when it gave up. */
    public enum Stage {
        /** Opening the checkpoint session or running the start hook. */
        START,
        /** Reading the log or the subscription. */
        READ,
        /** A handler threw. */
        HANDLE,
        /** Committing a batch (the read model's transaction or the checkpoint). */
        COMMIT,
        /** A side effect threw after its event committed; the effect did not happen. */
        SIDE_EFFECT
    }

    public ProjectionFailure {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(cause, "cause");
    }

    /** One line for a log or an alert. */
    public String message() {
        StringBuilder text = new StringBuilder("projection ").append(projection).append("@v").append(version)
                .append(" stopped at ").append(stage.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        event.ifPresent(e -> text.append(" of ").append(e.type()).append(' ').append(e.stream()).append('@')
                .append(e.revision()).append(" (position ").append(e.position()).append(", id ").append(e.id()).append(')'));
        text.append(" after ").append(attempts).append(attempts == 1 ? " attempt: " : " attempts: ").append(cause);
        return text.toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
