package io.strata.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * Decodes {@code strata.v1.RecordedEvent} messages from the wire straight into strata-core's
 * {@link RecordedEvent}, without the generated message class.
 *
 * <p>Why: in W6 over gRPC (100 subscribers, 1 M events/s delivered) parsing each event with the generated
 * parser and converting it with {@link ProtoMapping#fromProto(io.strata.protocol.v1.RecordedEvent)} was
 * about 20 % of all CPU: builder objects, and a UTF-8 decode of every string field of every event
 * followed by {@link UUID#fromString}. Here the events of one subscription share their strings: the last
 * stream, type and content type seen are kept with their bytes, and a field whose bytes are the same is
 * not decoded again (most events of a subscription share their type, all their content type). A canonical
 * id ({@code 8-4-4-4-12} hex digits) is read from its ASCII bytes into the UUID's two longs.
 *
 * <p>The invariant: for every input the generated parser accepts, the result is the one of
 * {@code ProtoMapping.fromProto(RecordedEvent.parseFrom(bytes))} (fields in any order, unknown fields
 * skipped, the last of a repeated scalar field, a repeated timestamp merged, defaults for what is
 * absent); what it rejects is rejected with the same exception type, and the same message for invalid
 * UTF-8 and for the conversion errors ({@link InvalidRequestException}), checked in the same order.
 * Anything but a canonical id falls back to {@link UUID#fromString}, so lenient forms it accepts decode
 * the same. Two exceptions, both for input no protobuf encoder writes: groups nested in unknown fields may go
 * one or two levels deeper here before the recursion limit stops them, as a {@link CodedInputStream}'s
 * message depth cannot be raised from outside protobuf; and a varint over ten bytes read from an
 * {@code InputStream}, which protobuf itself accepts or rejects depending on where its buffer's refills fall.
 *
 * <p>{@code data} and {@code metadata} are new arrays of their own; an empty one may be shared. With a
 * {@link DecodedEventCache}, an event whose exact bytes another decoder of the same client read lately is
 * that decoder's event, arrays included (as {@link RecordedEvent} allows).
 *
 * <p>Not thread-safe: one decoder per subscription or call, whose messages are decoded one at a time.
 */
public final class RecordedEventDecoder {
    private static final int ID = io.strata.protocol.v1.RecordedEvent.ID_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int STREAM = io.strata.protocol.v1.RecordedEvent.STREAM_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int TYPE = io.strata.protocol.v1.RecordedEvent.TYPE_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int REVISION = io.strata.protocol.v1.RecordedEvent.REVISION_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_VARINT;
    private static final int POSITION = io.strata.protocol.v1.RecordedEvent.POSITION_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_VARINT;
    private static final int RECORDED_TIME = io.strata.protocol.v1.RecordedEvent.RECORDED_TIME_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int VALID_TIME = io.strata.protocol.v1.RecordedEvent.VALID_TIME_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int CONTENT_TYPE = io.strata.protocol.v1.RecordedEvent.CONTENT_TYPE_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int DATA = io.strata.protocol.v1.RecordedEvent.DATA_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int METADATA = io.strata.protocol.v1.RecordedEvent.METADATA_FIELD_NUMBER << 3
            | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static final byte[] NONE = new byte[0];
    /** Longer strings (none in practice) are read into an array of their own rather than grow the scratch. */
    private static final int MAX_SCRATCH = 4096;
    private static final int CANONICAL_UUID_LENGTH = 36;
    private static final byte[] HEX_DIGIT = hexDigits();

    private final LastString streams = new LastString();
    private final LastString types = new LastString();
    private final LastString contentTypes = new LastString();
    private final TimestampField recordedTime = new TimestampField();
    private final TimestampField validTime = new TimestampField();

    /** Where string fields are read to, so that a cached value costs no allocation; grows up to MAX_SCRATCH. */
    private byte[] scratch = new byte[64];
    /** How many bytes, from the start of the array {@link #readStringBytes} returned, are the field's. */
    private int fieldLength;

    // The event being read; cleared before each.
    private boolean idCanonical;
    private long idMostSignificant;
    private long idLeastSignificant;
    private String idText;
    private String stream;
    private String type;
    private long revision;
    private long position;
    private String contentType;
    private byte[] data;
    private byte[] metadata;

    /** Events shared with the client's other subscriptions, or null. */
    private final DecodedEventCache shared;
    /** The array the current input reads, where it starts, and where its message ends; null when unknown. */
    private byte[] source;
    private int sourceStart;
    private int sourceEnd;

    public RecordedEventDecoder() {
        this(null);
    }

    /**
     * A decoder that looks up and keeps the events it reads with {@link #readEvent} in {@code shared}, for
     * inputs announced with {@link #readingFrom} ({@link DecodingMarshaller} does).
     */
    RecordedEventDecoder(DecodedEventCache shared) {
        this.shared = shared;
    }

    /**
     * The next input handed to {@link #readEvent} is a {@link CodedInputStream} over {@code array[start, end)},
     * made at {@code start}: events may then be looked up in the shared cache by their bytes.
     */
    void readingFrom(byte[] array, int start, int end) {
        source = array;
        sourceStart = start;
        sourceEnd = end;
    }

    /**
     * Reads one {@code RecordedEvent} field of an enclosing message, after its tag: a varint length, then
     * the message. The stream is left after it even when the event cannot be converted.
     */
    public RecordedEvent readEvent(CodedInputStream in) throws IOException {
        int length = readLength(in);
        int start = source == null ? -1 : sourceStart + in.getTotalBytesRead();
        boolean cacheable = shared != null && start >= 0 && length >= 0 && length <= sourceEnd - start;
        if (cacheable) {
            RecordedEvent known = shared.find(source, start, length);
            if (known != null) {
                in.skipRawBytes(length);
                return known;
            }
        }
        in.checkRecursionLimit();
        int outerLimit = in.pushLimit(length);
        readBody(in);
        in.popLimit(outerLimit);
        RecordedEvent event = event();
        return cacheable ? shared.share(source, start, length, event) : event;
    }

    /** Decodes a whole {@code RecordedEvent} message, as {@code RecordedEvent.parseFrom(body)} would parse it. */
    public RecordedEvent decode(byte[] body) throws InvalidProtocolBufferException {
        try {
            readBody(CodedInputStream.newInstance(body));
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail but did", e);
        }
        return event();
    }

    private void readBody(CodedInputStream in) throws IOException {
        clear();
        int tag;
        do {
            tag = in.readTag();
        } while (tag != 0 && readField(in, tag));
        in.checkLastTagWas(0);
    }

    private void clear() {
        idCanonical = false;
        idText = "";
        stream = "";
        type = "";
        revision = 0;
        position = 0;
        recordedTime.clear();
        validTime.clear();
        contentType = "";
        data = NONE;
        metadata = NONE;
    }

    /** False at an end-group tag, like the generated parser. */
    private boolean readField(CodedInputStream in, int tag) throws IOException {
        switch (tag) {
            case ID -> readId(in);
            case STREAM -> stream = streams.of(readStringBytes(in), fieldLength);
            case TYPE -> type = types.of(readStringBytes(in), fieldLength);
            case REVISION -> revision = in.readUInt64();
            case POSITION -> position = in.readUInt64();
            case RECORDED_TIME -> recordedTime.mergeFrom(in);
            case VALID_TIME -> validTime.mergeFrom(in);
            case CONTENT_TYPE -> contentType = contentTypes.of(readStringBytes(in), fieldLength);
            case DATA -> data = in.readByteArray();
            case METADATA -> metadata = in.readByteArray();
            default -> {
                return skipUnknownField(in, tag);
            }
        }
        return true;
    }

    /**
     * Read the way the generated parser reads them, into an {@link UnknownFieldSet}, and not with
     * {@link CodedInputStream#skipField}: that rejects a varint whose tenth byte has its continuation bit set,
     * which {@code readInt64} (and so the generated parser) accepts. Our server sends no unknown fields, so
     * the builder made here costs nothing on the hot path. False at an end-group tag.
     */
    private static boolean skipUnknownField(CodedInputStream in, int tag) throws IOException {
        return UnknownFieldSet.newBuilder().mergeFieldFrom(tag, in);
    }

    /**
     * The length of a string, bytes or message field. {@code readUInt32} reads its varint with the very method
     * protobuf reads lengths with, which {@code readRawVarint32} does not in all of protobuf's varint modes.
     */
    private static int readLength(CodedInputStream in) throws IOException {
        return in.readUInt32();
    }

    /**
     * Ids are all different, so not cached. The text of a non-canonical one is kept for
     * {@link UUID#fromString}, as it may still be a UUID to it; it is checked for UTF-8 here, while
     * parsing, because the generated parser does so before any conversion.
     */
    private void readId(CodedInputStream in) throws IOException {
        byte[] bytes = readStringBytes(in);
        idCanonical = parseCanonicalUuid(bytes, fieldLength);
        idText = idCanonical ? null : utf8(Arrays.copyOf(bytes, fieldLength));
    }

    /** The bytes of a string field: the first {@link #fieldLength} of the array returned, scratch or not. */
    private byte[] readStringBytes(CodedInputStream in) throws IOException {
        int size = readLength(in);
        fieldLength = size;
        if (size < 0 || size > MAX_SCRATCH) {
            return in.readRawBytes(size); // protobuf's own checks, and errors, for what is negative or large
        }
        if (size > scratch.length) {
            scratch = new byte[Math.max(size, 2 * scratch.length)];
        }
        readFully(in, scratch, size);
        return scratch;
    }

    private static void readFully(CodedInputStream in, byte[] into, int size) throws IOException {
        int read = 0;
        while (read < size) {
            int n = in.streamRawBytes(into, read, size - read);
            if (n < 0) {
                throw truncated(in, size - read);
            }
            read += n;
        }
    }

    /**
     * The input ended, or reached its limit, inside a field: protobuf is left to raise its own error so that
     * it is the generated parser's, message included.
     */
    private static InvalidProtocolBufferException truncated(CodedInputStream in, int missing) throws IOException {
        in.readRawBytes(missing);
        return new InvalidProtocolBufferException("the input ended inside a field");
    }

    /**
     * Sets the id's two longs when {@code bytes[0, length)} is a canonical UUID, hex digits of either case.
     * Such text is what {@link UUID#fromString} parses to the same two longs, and is valid UTF-8.
     */
    private boolean parseCanonicalUuid(byte[] bytes, int length) {
        if (length != CANONICAL_UUID_LENGTH
                || bytes[8] != '-' || bytes[13] != '-' || bytes[18] != '-' || bytes[23] != '-') {
            return false;
        }
        long timeLow = hex(bytes, 0, 8);
        long timeMid = hex(bytes, 9, 13);
        long timeHigh = hex(bytes, 14, 18);
        long clockSequence = hex(bytes, 19, 23);
        long node = hex(bytes, 24, 36);
        if ((timeLow | timeMid | timeHigh | clockSequence | node) < 0) {
            return false;
        }
        idMostSignificant = timeLow << 32 | timeMid << 16 | timeHigh;
        idLeastSignificant = clockSequence << 48 | node;
        return true;
    }

    /** The value of the hex digits {@code bytes[from, to)} (at most 12), or -1 when one is not a hex digit. */
    private static long hex(byte[] bytes, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = HEX_DIGIT[bytes[i] & 0xFF];
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private static byte[] hexDigits() {
        byte[] digits = new byte[256];
        Arrays.fill(digits, (byte) -1);
        for (int i = 0; i < 10; i++) {
            digits['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            digits['a' + i] = (byte) (10 + i);
            digits['A' + i] = (byte) (10 + i);
        }
        return digits;
    }

    /**
     * The text of {@code bytes}, which must be valid UTF-8 as for the generated parser's
     * {@code readStringRequireUtf8} (for valid UTF-8 the JDK's decoding is the same as protobuf's).
     */
    private static String utf8(byte[] bytes) throws InvalidProtocolBufferException {
        if (!UnsafeByteOperations.unsafeWrap(bytes).isValidUtf8()) {
            throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Converts in {@code ProtoMapping.fromProto}'s order, so that of two errors the same one is thrown. */
    private RecordedEvent event() {
        Optional<Instant> valid = validTime.present ? Optional.of(validTime.instant()) : Optional.empty();
        return new RecordedEvent(id(), stream, type, revision, Position.of(position), recordedTime.instant(),
                valid, contentType, data, metadata);
    }

    private UUID id() {
        if (idCanonical) {
            return new UUID(idMostSignificant, idLeastSignificant);
        }
        try {
            return UUID.fromString(idText);
        } catch (IllegalArgumentException e) {
            // ProtoMapping.uuid's message, which is private there.
            throw new InvalidRequestException("event id must be a UUID, got '" + idText + "'");
        }
    }

    /**
     * The last string a field had, kept with its UTF-8 bytes so that the next value with the same bytes is
     * not decoded again.
     */
    private static final class LastString {
        private byte[] bytes = NONE;
        private String value = "";

        String of(byte[] source, int length) throws InvalidProtocolBufferException {
            if (!Arrays.equals(source, 0, length, bytes, 0, bytes.length)) {
                byte[] copy = Arrays.copyOf(source, length);
                value = utf8(copy); // throws before the cache changes: it only ever holds valid UTF-8
                bytes = copy;
            }
            return value;
        }
    }

    /**
     * A {@code google.protobuf.Timestamp} field. A second occurrence is merged into the first, as protobuf
     * parses into the same builder: each of seconds and nanos keeps the last value on the wire.
     */
    private static final class TimestampField {
        private static final int SECONDS = Timestamp.SECONDS_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;
        private static final int NANOS = Timestamp.NANOS_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;

        private boolean present;
        private long seconds;
        private int nanos;

        void clear() {
            present = false;
            seconds = 0;
            nanos = 0;
        }

        void mergeFrom(CodedInputStream in) throws IOException {
            int length = readLength(in);
            in.checkRecursionLimit();
            int outerLimit = in.pushLimit(length);
            int tag;
            do {
                tag = in.readTag();
            } while (tag != 0 && readField(in, tag));
            in.checkLastTagWas(0);
            in.popLimit(outerLimit);
            present = true;
        }

        private boolean readField(CodedInputStream in, int tag) throws IOException {
            switch (tag) {
                case SECONDS -> seconds = in.readInt64();
                case NANOS -> nanos = in.readInt32();
                default -> {
                    return skipUnknownField(in, tag);
                }
            }
            return true;
        }

        Instant instant() {
            try {
                return Instant.ofEpochSecond(seconds, nanos);
            } catch (RuntimeException e) {
                // ProtoMapping's own error, so the two cannot drift; built only for a timestamp out of range.
                return ProtoMapping.instant(Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build());
            }
        }
    }
}
