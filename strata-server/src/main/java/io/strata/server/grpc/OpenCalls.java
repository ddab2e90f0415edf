package io.strata.server.grpc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The streaming calls in progress, so that shutdown can end them. Thread-safe. */
final class OpenCalls {
    private final Set<SubscriptionCall> subscriptions = ConcurrentHashMap.newKeySet();
    private final Set<AppendStreamCall> appendStreams = ConcurrentHashMap.newKeySet();
    private final AppendStreamStats appendStats = new AppendStreamStats();
    private volatile boolean stopping;

    /** Registers {@code call}; returns false (having ended it) when the server is shutting down. */
    boolean add(SubscriptionCall call) {
        subscriptions.add(call);
        if (stopping) { // checked after adding: stop() either sees the call or the call sees stopping
            call.end(GrpcErrors.shuttingDown());
            return false;
        }
        return true;
    }

    void add(AppendStreamCall call) {
        appendStreams.add(call);
        if (stopping) {
            call.stop();
        }
    }

    void remove(SubscriptionCall call) {
        subscriptions.remove(call);
    }

    void remove(AppendStreamCall call) {
        appendStreams.remove(call);
    }

    /** Ends every subscription {@code UNAVAILABLE}; append streams answer what they read, then end. */
    void stop() {
        stopping = true;
        for (SubscriptionCall call : subscriptions) {
            call.end(GrpcErrors.shuttingDown());
        }
        for (AppendStreamCall call : appendStreams) {
            call.stop();
        }
    }

    int subscriptions() {
        return subscriptions.size();
    }

    int appendStreams() {
        return appendStreams.size();
    }

    AppendStreamStats appendStats() {
        return appendStats;
    }
}
