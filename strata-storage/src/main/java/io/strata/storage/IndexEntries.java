package io.strata.storage;

/**
 * A visitor of index entries: {@code key} (stream or event-id hash), {@code seq} (revision for the
 * stream index, position for the id index), the record's {@code position} and log {@code address}.
 * Returns false to stop.
 */
@FunctionalInterface
interface IndexEntries {
    boolean accept(long key, long seq, long position, long address);
}
