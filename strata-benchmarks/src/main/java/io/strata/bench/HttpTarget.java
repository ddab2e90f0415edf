package io.strata.bench;

import io.strata.client.HttpEventStore;
import io.strata.core.EventStore;
import io.strata.server.StrataServer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code strata-http}: {@link HttpEventStore} (JSON over HTTP/1.1, subscriptions over Server-Sent
 * Events) to a server in the same JVM, on loopback.
 */
final class HttpTarget extends InProcessServerTarget {
    @Override
    public String name() {
        return Targets.HTTP;
    }

    @Override
    protected EventStore connect(StrataServer server) {
        return HttpEventStore.connect(server.httpUrl());
    }

    @Override
    public Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>(super.facts());
        facts.put("protocol", "HTTP/1.1 JSON, SSE");
        return facts;
    }
}
