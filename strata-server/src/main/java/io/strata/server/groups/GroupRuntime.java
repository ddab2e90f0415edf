package io.strata.server.groups;

import io.strata.core.EventStore;
import java.util.concurrent.ScheduledExecutorService;

/** What every group of one registry shares: the store, the registry's settings, and its one scheduler. */
record GroupRuntime(EventStore store, GroupsConfig config, ScheduledExecutorService scheduler) {
}
