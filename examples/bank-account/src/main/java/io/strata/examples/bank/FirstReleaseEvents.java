package io.strata.examples.bank;

import io.strata.core.EventData;

import java.nio.charset.StandardCharsets;

/**
 * Events exactly as the first release of this service wrote them, before {@code Deposited} carried
 * cents and a currency. Nothing writes these any more; the demo and the tests use them to show that
 * such events, still in the log, are read through the upcaster.
 */
public final class FirstReleaseEvents {
    private FirstReleaseEvents() {
    }

    /** {@code Deposited} schema v1: {@code {"amount":<whole euros>}}, metadata {@code {"schemaVersion":1}}. */
    public static EventData deposited(int euros) {
        return EventData.builder(AccountEventTypes.DEPOSITED)
                .data(("{\"amount\":" + euros + "}").getBytes(StandardCharsets.UTF_8))
                .metadata("{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8))
                .build();
    }
}
