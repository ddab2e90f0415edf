package io.strata.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Keeps the running hash chain of the log: each record's hash is SHA-256 of the previous record's
 * hash followed by the record's body (see {@link RecordFormat}).
 *
 * <p>Design note: the chain is per record, not per batch, so {@code strata verify} can name the exact
 * record that was changed, removed or reordered. SHA-256 uses the CPU's SHA extensions through the
 * JDK's intrinsics; see docs/benchmarks.md for what it costs per record.
 *
 * <p>This class is not thread-safe: the writer, recovery and the verifier each own one.
 */
final class ChainHasher {
    private final MessageDigest digest;
    private final byte[] current = new byte[RecordFormat.HASH_BYTES];

    ChainHasher() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Starts from the hash of the record before the next one; all zeros for an empty log. */
    void reset(byte[] previousHash) {
        System.arraycopy(previousHash, 0, current, 0, current.length);
    }

    /** Chains the body bytes {@code [from, to)} of {@code buf} onto the current hash. */
    void chain(ByteBuffer buf, int from, int to) {
        digest.update(current);
        if (buf.hasArray()) {
            // The array path feeds the SHA intrinsic directly; MessageDigest's ByteBuffer path copies
            // a direct buffer through a small temporary array, which took most of the writer's time
            // in W3 (JFR: 164 of ~450 samples in MessageDigestSpi.engineUpdate(ByteBuffer)).
            digest.update(buf.array(), buf.arrayOffset() + from, to - from);
        } else {
            digest.update(buf.slice(from, to - from));
        }
        try {
            digest.digest(current, 0, current.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the current hash at the buffer's position. */
    void writeCurrent(ByteBuffer out) {
        out.put(current);
    }

    boolean currentEquals(ByteBuffer hash) {
        return hash.equals(ByteBuffer.wrap(current));
    }

    byte[] current() {
        return Arrays.copyOf(current, current.length);
    }

    static byte[] zero() {
        return new byte[RecordFormat.HASH_BYTES];
    }
}
