package io.strata.examples.bank;

/** The read model's database could not be queried; the cause (an {@link java.sql.SQLException}) says why. */
public final class ReadModelException extends RuntimeException {
    public ReadModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
