package io.strata.server;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The handlers one server gives Helidon's routing, each reaching its code through a reference that
 * {@link #cut()} drops once the web server has stopped.
 *
 * <p>Why: a stopped Helidon 4.5.0 web server stays reachable from its idle-connection timer thread,
 * which it never cancels (helidon-io/helidon#11939, fixed in 27.x only), and so do its routes and all
 * they hold: the closed store, its memtables and caches, about 5 MB a server. A process that starts and
 * stops many servers (strata-client's tests: 640 MB after ~100 of them) kept them all. Cut, a stopped
 * server keeps only these empty handles ({@code ClosedServerMemoryTest}).
 */
final class RouteHandlers {
    private final List<Cuttable> handlers = new ArrayList<>();

    /** {@code handler}, answering every failure with the spec's error body ({@link HttpApi#guarded}), until {@link #cut()}. */
    synchronized Handler guarded(Handler handler) {
        Cuttable cuttable = new Cuttable(handler);
        handlers.add(cuttable);
        return HttpApi.guarded(cuttable);
    }

    /** Drops every handler's code; a request that still reaches one is answered 503. */
    synchronized void cut() {
        handlers.forEach(Cuttable::cut);
    }

    private static final class Cuttable implements Handler {
        private volatile Handler target;

        Cuttable(Handler target) {
            this.target = target;
        }

        void cut() {
            target = null;
        }

        @Override
        public void handle(ServerRequest req, ServerResponse res) throws Exception {
            Handler current = target;
            if (current == null) {
                throw new ApiException(503, "unavailable", "the server has stopped", Map.of());
            }
            current.handle(req, res);
        }
    }
}
