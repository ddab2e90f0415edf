package io.strata.eventsourcing.projection;

import io.strata.core.EventStore;
import io.strata.core.Position;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Rebuilds a new version of a projection beside the live one, then switches readers to it, without
 * downtime:
 *
 * <pre>
 *  log ──▶ runner v   (active: readers read v; fires side effects)
 *     └──▶ runner v+1 (from position 0 into its own tables/checkpoint; every event is a replay;
 *                         │ never past v's checkpoint)
 *                         │ caught up (live, or held at v's checkpoint)
 *                         ▼
 *  switchOver: stop runner v (its last batch commits) ─▶ activate v+1 in one unit of work
 *              (records "side effects fired through v's checkpoint"; onActivate hook, e.g. a view swap)
 *                         ▼
 *  log ──▶ runner v+1 (active: readers read v+1; fires side effects for events after that point)
 * </pre>
 *
 * <p>The new version never gets ahead of the active one: it is held at the active version's
 * checkpoint ({@link ProjectionRunner#isHeld()}). Past that point are events whose side effects
 * nobody fired yet; had v+1 applied them as replays, v would stop firing for them at the switch and
 * they would be lost. So at the switch v+1 is at or behind v, and the hand-over point is v's
 * checkpoint: v fired through it, v+1 fires after it. "Caught up" means live or held; with v
 * stopped or dead, v+1 is held at v's last checkpoint and the switch-over proceeds from there.
 *
 * <p>Nothing appended during the rebuild is lost: v+1 reads the whole log on its own and keeps
 * following it while the switch happens; v stops only after v+1 has caught up. For a moment after v
 * stops and before readers move, v's model stops advancing (readers read slightly older data, not
 * missing data). The old version's tables are left in place: drop them when no reader uses them.
 *
 * <p>When the old runner lives in another process, use {@link #switchOver(Duration)}: with
 * {@link JdbcCheckpointStore} the row lock protocol still hands side effects over at the exact
 * position; with other stores, stop the old runner first (else its effects after its last written
 * checkpoint may fire twice).
 *
 * <p>Thread-safe.
 */
public final class ProjectionRebuild {
    private final EventStore store;
    private final Projection<?> projection;
    private final CheckpointStore<?> checkpoints;
    private final Activation activation;
    private final ProjectionRunner runner;
    private final Optional<ActiveVersion> replacing;

    /** Runs the activation unit of work with the right generic types. */
    @FunctionalInterface
    private interface Activation {
        ActiveVersion run();
    }

    private <C extends ProjectionContext> ProjectionRebuild(ProjectionRunner.Builder<C> newVersion) {
        this.store = newVersion.store();
        this.projection = newVersion.projection();
        this.checkpoints = newVersion.checkpoints();
        this.replacing = newVersion.checkpoints().activeVersion(projection.name());
        if (replacing.isPresent() && replacing.get().version() >= projection.version()) {
            throw new IllegalArgumentException("cannot rebuild " + projection + ": version " + replacing.get().version()
                    + " is active; a rebuild needs a higher version");
        }
        Projection<? super C> target = newVersion.projection();
        CheckpointStore<C> store = newVersion.checkpoints();
        this.activation = () -> activate(target, store);
        this.runner = newVersion.start();
    }

    /**
     * Starts the new version's runner (from its own checkpoint: a rebuild interrupted by a restart
     * resumes where it got). While another version is active, every event is a replay for it.
     *
     * @throws IllegalArgumentException the projection's version is not above the active one
     */
    public static <C extends ProjectionContext> ProjectionRebuild start(ProjectionRunner.Builder<C> newVersion) {
        return new ProjectionRebuild(Objects.requireNonNull(newVersion, "newVersion"));
    }

    public String projection() {
        return projection.name();
    }

    /** The version being built. */
    public int version() {
        return projection.version();
    }

    /** The version that was active when the rebuild started, if any. */
    public Optional<ActiveVersion> replacing() {
        return replacing;
    }

    /** The new version's runner; it keeps running after the switch-over. */
    public ProjectionRunner runner() {
        return runner;
    }

    public RebuildProgress progress() {
        return new RebuildProgress(projection.name(), projection.version(), runner.state(), runner.checkpoint(),
                store.info().headPosition(), runner.eventsHandled(), runner.isHeld());
    }

    /**
     * Waits until the new version is ready to take over ({@link RebuildProgress#caughtUp()}).
     *
     * @throws ProjectionFailedException the new version's runner stopped on a failure
     */
    public boolean awaitCaughtUp(Duration timeout) {
        return runner.awaitLiveOrHeld(timeout);
    }

    /**
     * Stops {@code old} (gracefully: its last batch commits, its checkpoint is written) once the new
     * version is live, then makes the new version the active one. Returns the new version's runner.
     *
     * @throws IllegalStateException the new version did not catch up within {@code timeout}; nothing changed
     */
    public ProjectionRunner switchOver(ProjectionRunner old, Duration timeout) {
        Objects.requireNonNull(old, "old");
        if (old.projection().equals(projection.name()) && old.version() == projection.version()) {
            throw new IllegalArgumentException("the old runner is the new version itself");
        }
        awaitLiveOrThrow(timeout);
        old.stop();
        activation.run();
        return runner;
    }

    /**
     * Makes the new version the active one once it is live, for an old version that runs elsewhere
     * or was already stopped. Returns the new version's runner.
     *
     * @throws IllegalStateException the new version did not catch up within {@code timeout}; nothing changed
     */
    public ProjectionRunner switchOver(Duration timeout) {
        awaitLiveOrThrow(timeout);
        activation.run();
        return runner;
    }

    /** Stops the new version; the active version stays as it is. */
    public void abandon() {
        runner.stop();
    }

    private void awaitLiveOrThrow(Duration timeout) {
        if (!runner.awaitLiveOrHeld(timeout)) {
            throw new IllegalStateException("the rebuild of " + projection + " has not caught up after " + timeout + ": " + progress());
        }
    }

    private static <C extends ProjectionContext> ActiveVersion activate(Projection<? super C> projection, CheckpointStore<C> checkpoints) {
        try (CheckpointSession<C> session = checkpoints.open(projection.name(), projection.version());
             ProjectionBatch<C> batch = session.begin()) {
            ActiveVersion active = batch.activate();
            RunnerContext base = new RunnerContext(projection.name(), projection.version());
            base.outsideEvents();
            runActivationHook(projection, batch.context(base));
            batch.commit(Optional.empty());
            return active;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ProjectionStoreException("the onActivate hook of " + projection + " failed; the active version did not change", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <C extends ProjectionContext> void runActivationHook(Projection<? super C> projection, C context) throws Exception {
        ((Projection<C>) projection).activate(context);
    }

    @Override
    public String toString() {
        return "ProjectionRebuild[" + progress() + "]";
    }

}
