package io.strata.storage;

import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One append waiting for the writer, with what the caller's thread could compute in advance
 * (ids, each record's encoded body and its digest, sizes) so the single writer thread does as
 * little as possible.
 */
final class AppendRequest {
    final String stream;
    final byte[] streamBytes;
    final long streamKey;
    final ExpectedRevision expected;
    final List<EventData> events;
    final UUID[] ids;
    /** Each event's record body and its SHA-256, encoded on the caller's thread (see ChainHasher). */
    final byte[][] bodies;
    final byte[][] bodyDigests;
    /** Whether every event came with its own id (only then can the append be a retry). */
    final boolean allClientIds;
    final boolean anyClientIds;
    final int recordBytes;
    final CompletableFuture<AppendResult> future = new CompletableFuture<>();

    AppendRequest(String stream, ExpectedRevision expected, List<EventData> events, IdGenerator idGenerator) {
        this.stream = stream;
        this.streamBytes = stream.getBytes(StandardCharsets.UTF_8);
        this.streamKey = Keys.streamKey(streamBytes);
        this.expected = expected;
        this.events = List.copyOf(events);
        int n = this.events.size();
        ids = new UUID[n];
        bodies = new byte[n][];
        bodyDigests = new byte[n][];
        MessageDigest digest = ChainHasher.newDigest();
        boolean all = true;
        boolean any = false;
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            EventData event = this.events.get(i);
            if (event.id().isPresent()) {
                ids[i] = event.id().get();
                any = true;
            } else {
                ids[i] = idGenerator.next();
                all = false;
            }
            bodies[i] = RecordFormat.encodeBody(event, ids[i], streamBytes, event.type().getBytes(StandardCharsets.UTF_8),
                    RecordFormat.contentTypeBytes(event.contentType()));
            bodyDigests[i] = ChainHasher.bodyDigest(digest, bodies[i]);
            bytes += RecordFormat.recordBytes(bodies[i], i == n - 1);
        }
        this.allClientIds = all;
        this.anyClientIds = any;
        this.recordBytes = bytes;
    }

    int size() {
        return events.size();
    }

    boolean isClientId(int i) {
        return events.get(i).id().isPresent();
    }
}
