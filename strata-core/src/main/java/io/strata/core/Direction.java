package io.strata.core;

/** The direction of a read. */
public enum Direction {
    FORWARD, BACKWARD
}
