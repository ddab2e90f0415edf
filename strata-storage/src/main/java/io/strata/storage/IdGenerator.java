package io.strata.storage;

import java.util.concurrent.ThreadLocalRandom;
import java.util.UUID;

/**
 * Time-ordered UUIDs (version 7, RFC 9562) for events appended without an id: 48 bits of Unix
 * milliseconds, then random bits, so ids sort roughly by creation time. Thread-safe; uses
 * {@link ThreadLocalRandom} so that many appending threads do not share one generator.
 */
final class IdGenerator {
    UUID next() {
        long millis = System.currentTimeMillis();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long randA = random.nextLong();
        long randB = random.nextLong();
        long msb = (millis << 16) | 0x7000L | (randA & 0x0fffL);
        long lsb = (randB & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
