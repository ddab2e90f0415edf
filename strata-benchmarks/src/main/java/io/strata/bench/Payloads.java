package io.strata.bench;

import io.strata.core.EventData;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The events the workloads append: JSON documents of exactly {@value WorkloadSizes#EVENT_BYTES}
 * bytes with two fixed-width numeric fields, so a subscriber can read them without parsing JSON.
 *
 * <pre>
 *   {"t":"0000000001234567890","n":"000000000042","pad":"xxxx…xxxx"}
 *         └ t: 19 digits        └ n: 12 digits          └ padded to 256 bytes
 *   t = System.nanoTime() - a per-run origin (W6 latency), n = sequence number
 * </pre>
 *
 * The numbers are strings because JSON numbers may not have leading zeros.
 */
public final class Payloads {
    static final String TYPE = "BenchEvent";
    static final int SIZE = WorkloadSizes.EVENT_BYTES;

    private static final String T_PREFIX = "{\"t\":\"";
    private static final String N_PREFIX = "\",\"n\":\"";
    private static final String PAD_PREFIX = "\",\"pad\":\"";
    private static final String END = "\"}";
    static final int T_OFFSET = T_PREFIX.length();
    static final int T_DIGITS = 19;
    static final int N_OFFSET = T_OFFSET + T_DIGITS + N_PREFIX.length();
    static final int N_DIGITS = 12;
    private static final byte[] TEMPLATE = template();

    private Payloads() {
    }

    /** A 256-byte JSON document carrying {@code sequence} and {@code nanos} (both 0 or more). */
    public static byte[] data(long sequence, long nanos) {
        byte[] data = TEMPLATE.clone();
        writeDigits(data, T_OFFSET, T_DIGITS, nanos);
        writeDigits(data, N_OFFSET, N_DIGITS, sequence);
        return data;
    }

    static EventData event(long sequence, long nanos) {
        return EventData.json(TYPE, data(sequence, nanos));
    }

    public static long nanos(byte[] data) {
        return readDigits(data, T_OFFSET, T_DIGITS);
    }

    public static long sequence(byte[] data) {
        return readDigits(data, N_OFFSET, N_DIGITS);
    }

    private static byte[] template() {
        String head = T_PREFIX + "0".repeat(T_DIGITS) + N_PREFIX + "0".repeat(N_DIGITS) + PAD_PREFIX;
        int pad = SIZE - head.length() - END.length();
        byte[] bytes = (head + "x".repeat(pad) + END).getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != SIZE) {
            throw new IllegalStateException("payload template is " + bytes.length + " bytes");
        }
        return bytes;
    }

    private static void writeDigits(byte[] data, int offset, int digits, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        long v = value;
        for (int i = offset + digits - 1; i >= offset; i--) {
            data[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        if (v != 0) {
            throw new IllegalArgumentException(value + " has more than " + digits + " digits");
        }
    }

    private static long readDigits(byte[] data, int offset, int digits) {
        if (data.length < offset + digits) {
            throw new IllegalArgumentException("not a benchmark payload: " + data.length + " bytes");
        }
        long v = 0;
        for (int i = offset; i < offset + digits; i++) {
            int d = data[i] - '0';
            if (d < 0 || d > 9) {
                throw new IllegalArgumentException("not a benchmark payload: "
                        + new String(Arrays.copyOf(data, Math.min(data.length, 64)), StandardCharsets.US_ASCII));
            }
            v = v * 10 + d;
        }
        return v;
    }
}
