package io.strata.core;

/** A running subscription. Closing it stops delivery; no listener call starts after close returns. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();

    /** Whether it still delivers: false after {@link #close()} or an error. */
    boolean isActive();
}
