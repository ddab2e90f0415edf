package io.strata.storage;

import java.util.UUID;

/**
 * 64-bit index keys. Keys are hashes, so two streams may share one (about 1 in 3·10^7 for a million
 * streams); every lookup checks the record it finds against the stream name or event id.
 */
final class Keys {
    private Keys() {
    }

    /** FNV-1a over the UTF-8 name, then a SplitMix64 finaliser to spread the bits. */
    static long streamKey(byte[] utf8Name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : utf8Name) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long idKey(UUID id) {
        return mix(id.getMostSignificantBits() ^ Long.rotateLeft(id.getLeastSignificantBits(), 29));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
