package io.strata.bench.peers;

import java.util.Optional;

/**
 * What an acknowledgement means, as the comparison groups the targets' durabilities: Strata's
 * {@code batched} (written, fsync'd within 10 ms after the answer) sits with the peers' {@code page-cache}
 * (written, fsync'd later or by the OS); {@code fsync} with {@code fsync}. Rows of different groups are
 * never compared.
 */
enum Acknowledgement {
    ON_DISK("fsync"),
    BEFORE_FSYNC("before fsync");

    private final String label;

    Acknowledgement(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The group of a line's {@code durability}; empty for {@code none}, which is not compared. */
    static Optional<Acknowledgement> of(String durability) {
        return switch (durability) {
            case "fsync" -> Optional.of(ON_DISK);
            case "batched", "page-cache" -> Optional.of(BEFORE_FSYNC);
            default -> Optional.empty();
        };
    }
}
