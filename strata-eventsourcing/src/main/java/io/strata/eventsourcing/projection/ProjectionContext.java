package io.strata.eventsourcing.projection;

/**
 * What a handler may ask of the runner while it handles one event.
 *
 * <p>Side effects (sending mail, calling another service) are registered with {@link #sideEffect}
 * rather than performed inline, so that the runner can hold them back when they must not happen:
 * while the event is a replay, and until the event's batch has committed (a batch that rolls back
 * and is retried must not send the mail twice).
 *
 * <p>A context is valid only during the handler call it was passed to. Not thread-safe.
 */
public interface ProjectionContext {

    /** The projection's name. */
    String projection();

    /** The version of the projection handling the event. */
    int version();

    /**
     * Whether this event's side effects already happened or belong to someone else: true while this
     * version is not the active one (a rebuild beside the live version), and for events at or below
     * the position through which an earlier version already fired them.
     */
    boolean isReplay();

    /**
     * Runs {@code effect} after this event's batch has committed, unless {@link #isReplay()}.
     *
     * <p>Guarantee: at most once per commit of the event. With a store that re-applies events after a
     * crash ({@link EventStoreCheckpointStore}, {@link InMemoryCheckpointStore}) the event, and so its
     * effect, can come again: guard such effects with {@link IdempotentHandler}. With
     * {@link JdbcCheckpointStore} an event commits once, so its effect runs at most once (it is lost if
     * the process dies between the commit and the effect).
     */
    void sideEffect(Runnable effect);
}
