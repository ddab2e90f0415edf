package io.strata.server.groups;

import java.time.Instant;

/**
 * What a group remembers of a parked message: where its event is (not the event: that stays in the
 * store and is read back for listing and replay), ~100 bytes each.
 */
record ParkedRecord(long position, String stream, long revision, int deliveryCount, ParkReason reason, Instant parkedAt) {
}
