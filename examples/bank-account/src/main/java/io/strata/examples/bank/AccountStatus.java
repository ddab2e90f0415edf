package io.strata.examples.bank;

/** Where an account is in its life; it only moves forward. */
public enum AccountStatus {
    /** No event yet: the account does not exist. */
    UNOPENED,
    OPEN,
    /** Final: a closed account takes no more money and cannot be reopened. */
    CLOSED
}
