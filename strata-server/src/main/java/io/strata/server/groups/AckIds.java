package io.strata.server.groups;

/**
 * The ackId format: {@code <deliveryId base 36>.<slot base 36>}, e.g. {@code 2q1k9zb4e8g.3f}.
 * Opaque to clients. The slot finds the held event without a hash lookup; the delivery id must match
 * the event's current delivery, so an ackId is good for one delivery only: after a redelivery, the old
 * ackId is unknown. Delivery ids start from the clock at open ({@code millis << 16}), so ids issued
 * before a restart are never accepted after it.
 */
final class AckIds {
    private static final char SEPARATOR = '.';

    private AckIds() {
    }

    static String format(long deliveryId, int slot) {
        return Long.toString(deliveryId, 36) + SEPARATOR + Integer.toString(slot, 36);
    }

    /** The first delivery id of a group opened now. */
    static long firstDeliveryId() {
        return System.currentTimeMillis() << 16;
    }

    /** The parts of a well-formed ackId; {@code slot} is -1 when it is not one. */
    record Parsed(long deliveryId, int slot) {
        static final Parsed MALFORMED = new Parsed(-1, -1);

        boolean wellFormed() {
            return slot >= 0;
        }
    }

    static Parsed parse(String ackId) {
        if (ackId == null || ackId.isEmpty() || ackId.length() > 32) {
            return Parsed.MALFORMED;
        }
        int separator = ackId.indexOf(SEPARATOR);
        if (separator <= 0 || separator == ackId.length() - 1) {
            return Parsed.MALFORMED;
        }
        try {
            long deliveryId = Long.parseLong(ackId, 0, separator, 36);
            int slot = Integer.parseInt(ackId, separator + 1, ackId.length(), 36);
            return deliveryId < 0 || slot < 0 ? Parsed.MALFORMED : new Parsed(deliveryId, slot);
        } catch (NumberFormatException e) {
            return Parsed.MALFORMED;
        }
    }
}
