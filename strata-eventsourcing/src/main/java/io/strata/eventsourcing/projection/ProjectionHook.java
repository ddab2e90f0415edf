package io.strata.eventsourcing.projection;

/**
 * Code a projection runs outside the event flow, in the same unit of work as a checkpoint: at start
 * (create this version's tables) and when its version becomes the active one (swap a view).
 */
@FunctionalInterface
public interface ProjectionHook<C extends ProjectionContext> {
    void run(C context) throws Exception;
}
