package io.strata.server.groups;

import io.strata.core.RecordedEvent;
import io.strata.core.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fills a group's read-ahead window from its source, on one virtual thread per group (parked nearly
 * all the time, so cheap). It reads a page only when the window has room, so a group holds at most
 * {@link GroupsConfig#readAhead()} events whatever the consumers do. At the end of the log it waits
 * for a wake-up: a subscription from the end of the same source, used only as a doorbell (its events
 * are not used), with a 1 s poll as a fallback.
 *
 * <p>Design note: paged reads plus a doorbell rather than one subscription whose listener blocks when
 * the window is full: the store's threads never wait on a group, and the reader knows exactly how far
 * it scanned, filtered-out events included (which gives an exact checkpoint and lag).
 */
final class GroupReader {
    /**
     * Events per read. The embedded engine read 1,000,000 events in pages of 512 in 1.0 s here (2
     * shared cores, under load): the reader, not the dispatcher, bounds a group's throughput.
     */
    static final int PAGE = 512;
    private static final long ERROR_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = Logger.getLogger(GroupReader.class.getName());

    private final ConsumerGroup group;
    private final SourceReader source;
    private final long idlePollNanos;
    private final WakeSignal wake = new WakeSignal();
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile Subscription doorbell;

    GroupReader(ConsumerGroup group, SourceReader source, GroupsConfig config) {
        this.group = group;
        this.source = source;
        this.idlePollNanos = config.idlePoll().toNanos();
    }

    void start() {
        ringDoorbellOnNewEvents();
        thread = Thread.ofVirtual().name("strata-group-" + group.name()).start(this::run);
    }

    /** There is something to do: room in the window, a replay, or new events. */
    void wake() {
        wake.signal();
    }

    /** Stops reading and waits (up to 5 s) for a read in progress to end. */
    void stop() {
        running = false;
        wake.signal();
        Subscription s = doorbell;
        if (s != null) {
            s.close();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (running) {
            try {
                if (!readOnce() && running) {
                    if (doorbell == null || !doorbell.isActive()) {
                        ringDoorbellOnNewEvents();
                    }
                    wake.await(idlePollNanos);
                    Thread.interrupted(); // nobody should interrupt a reader (it would close the store's file channel); never spin on it
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.WARNING, "consumer group '" + group.name() + "' cannot read " + source + "; retrying in 1 s", e);
                wake.await(ERROR_BACKOFF_NANOS);
            }
        }
    }

    /** Reads one page (or a batch of replays); returns whether to go on at once. */
    private boolean readOnce() {
        ConsumerGroup.ReadPlan plan = group.planRead(PAGE);
        if (plan == null) {
            return false;
        }
        if (!plan.replays().isEmpty()) {
            List<Optional<RecordedEvent>> events = new ArrayList<>(plan.replays().size());
            for (ParkedRecord record : plan.replays()) {
                events.add(source.read(record));
            }
            group.admitReplays(plan.replays(), events);
            return true;
        }
        SourceReader.Page page = source.read(plan.from(), plan.limit());
        group.admitPage(page);
        return !page.atEnd();
    }

    private void ringDoorbellOnNewEvents() {
        try {
            doorbell = source.subscribeToNewEvents(wake::signal);
        } catch (RuntimeException e) {
            doorbell = null;
            if (running) {
                LOG.log(Level.FINE, "consumer group '" + group.name() + "' polls " + source + ": cannot subscribe", e);
            }
        }
    }
}
