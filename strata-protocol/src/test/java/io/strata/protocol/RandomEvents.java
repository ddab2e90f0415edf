package io.strata.protocol;

import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Events as the server sends them, in runs: a subscription sees the same stream, type and content type
 * many times in a row, and now and then another, an earlier one or one never seen.
 */
final class RandomEvents {
    static final Instant RECORDED = Instant.parse("2026-11-27T10:15:30.123456Z");
    private static final List<String> STREAMS = List.of("account-1", "account-2", "konto-ü", "账户-7",
            "rocket-\uD83D\uDE80", "", "a");
    private static final List<String> TYPES = List.of("Deposited", "Withdrawn", "Überwiesen", "", "T");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/octet-stream",
            "text/plain; charset=utf-8", "");
    private static final long MIN_SECONDS = Instant.MIN.getEpochSecond();
    private static final long MAX_SECONDS = Instant.MAX.getEpochSecond();

    private final Random random;
    private String stream = STREAMS.get(0);
    private String type = TYPES.get(0);
    private String contentType = CONTENT_TYPES.get(0);

    RandomEvents(Random random) {
        this.random = random;
    }

    /** The next event as strata-core has it. */
    RecordedEvent next() {
        stream = next(stream, STREAMS);
        type = next(type, TYPES);
        contentType = next(contentType, CONTENT_TYPES);
        return new RecordedEvent(new UUID(random.nextLong(), random.nextLong()), stream, type,
                number(), Position.of(number()), time(), random.nextBoolean() ? Optional.of(time()) : Optional.empty(),
                contentType, bytes(), bytes());
    }

    /** The next event as a server sends it, now and then with its id in upper case as other servers may. */
    io.strata.protocol.v1.RecordedEvent nextProto() {
        io.strata.protocol.v1.RecordedEvent proto = ProtoMapping.toProto(next());
        // Other servers may send upper-case ids; ProtoMapping.toProto writes lower case.
        return random.nextInt(10) == 0 ? proto.toBuilder().setId(proto.getId().toUpperCase()).build() : proto;
    }

    private String next(String last, List<String> known) {
        int dice = random.nextInt(10);
        if (dice < 7) {
            return last;
        }
        return dice < 9 ? known.get(random.nextInt(known.size())) : text(random, 0, 40);
    }

    private long number() {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> random.nextInt(1000);
            default -> random.nextLong() & Long.MAX_VALUE;
        };
    }

    private Instant time() {
        return switch (random.nextInt(3)) {
            case 0 -> Instant.ofEpochSecond(random.nextLong(MIN_SECONDS, MAX_SECONDS + 1), random.nextInt(1_000_000_000));
            case 1 -> Instant.ofEpochSecond(-random.nextInt(1_000_000), random.nextInt(1_000_000_000));
            default -> RECORDED.plusNanos(random.nextLong(1_000_000_000_000L));
        };
    }

    private byte[] bytes() {
        byte[] bytes = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(2001)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Text of {@code min..max} code points of one to four UTF-8 bytes each. */
    static String text(Random random, int min, int max) {
        int length = min + random.nextInt(max - min + 1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(switch (random.nextInt(4)) {
                case 0 -> 'a' + random.nextInt(26);
                case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
                case 2 -> 0x800 + random.nextInt(0xD800 - 0x800);
                default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
            });
        }
        return text.toString();
    }
}
