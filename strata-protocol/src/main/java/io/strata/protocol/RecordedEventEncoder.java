package io.strata.protocol;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.strata.core.RecordedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Encodes strata-core's {@link RecordedEvent} as a {@code strata.v1.RecordedEvent} message, without the
 * generated message class: the bytes are exactly those of {@code ProtoMapping.toProto(event).toByteArray()}
 * (fields in number order, proto3 defaults left out).
 *
 * <p>Why: a server answering {@code ReadAll} pages (W4 over gRPC) spent its time building a generated
 * message per event ({@code toProto}, its builder, {@code Timestamp}s), then walking it twice, once for
 * its size and once to write it. Here an event is written once, into an array of its exact size; the
 * events of one page share their strings' bytes: the last stream, type and content type are kept with
 * their UTF-8, so an event whose string is the same (most of a stream's page, all of a catch-up's content
 * types) does not encode it again. A canonical id is written from the UUID's two longs.
 *
 * <p>Not thread-safe: one encoder per page or per thread.
 */
public final class RecordedEventEncoder {
    private static final int ID = 1;
    private static final int STREAM = 2;
    private static final int TYPE = 3;
    private static final int REVISION = 4;
    private static final int POSITION = 5;
    private static final int RECORDED_TIME = 6;
    private static final int VALID_TIME = 7;
    private static final int CONTENT_TYPE = 8;
    private static final int DATA = 9;
    private static final int METADATA = 10;
    private static final int TIMESTAMP_SECONDS = 1;
    private static final int TIMESTAMP_NANOS = 2;
    private static final int UUID_CHARS = 36;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final LastUtf8 streams = new LastUtf8();
    private final LastUtf8 types = new LastUtf8();
    private final LastUtf8 contentTypes = new LastUtf8();
    private final byte[] id = new byte[UUID_CHARS];

    /** {@code event} as the bytes of a {@code strata.v1.RecordedEvent} message (no tag, no length prefix). */
    public byte[] encode(RecordedEvent event) {
        byte[] stream = streams.of(event.stream());
        byte[] type = types.of(event.type());
        byte[] contentType = contentTypes.of(event.contentType());
        int timestamp = timestampSize(event.recordedTime());
        int validTimestamp = event.validTime().map(RecordedEventEncoder::timestampSize).orElse(-1);
        int size = CodedOutputStream.computeTagSize(ID) + 1 + UUID_CHARS
                + bytesFieldSize(STREAM, stream.length)
                + bytesFieldSize(TYPE, type.length)
                + uint64FieldSize(REVISION, event.revision())
                + uint64FieldSize(POSITION, event.position().value())
                + messageFieldSize(RECORDED_TIME, timestamp)
                + (validTimestamp < 0 ? 0 : messageFieldSize(VALID_TIME, validTimestamp))
                + bytesFieldSize(CONTENT_TYPE, contentType.length)
                + bytesFieldSize(DATA, event.data().length)
                + bytesFieldSize(METADATA, event.metadata().length);
        byte[] encoded = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(encoded);
        try {
            out.writeTag(ID, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(UUID_CHARS);
            out.writeRawBytes(canonicalText(event.id()));
            writeBytes(out, STREAM, stream);
            writeBytes(out, TYPE, type);
            writeUInt64(out, REVISION, event.revision());
            writeUInt64(out, POSITION, event.position().value());
            writeTimestamp(out, RECORDED_TIME, event.recordedTime(), timestamp);
            if (validTimestamp >= 0) {
                writeTimestamp(out, VALID_TIME, event.validTime().get(), validTimestamp);
            }
            writeBytes(out, CONTENT_TYPE, contentType);
            writeBytes(out, DATA, event.data());
            writeBytes(out, METADATA, event.metadata());
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("an event's own size was computed wrong: " + e.getMessage(), e);
        }
        return encoded;
    }

    /** The UUID's canonical text (what {@link UUID#toString} gives) in ASCII, in this encoder's own array. */
    private byte[] canonicalText(UUID uuid) {
        long most = uuid.getMostSignificantBits();
        long least = uuid.getLeastSignificantBits();
        hex(most >>> 32, 8, 0);
        id[8] = '-';
        hex(most >>> 16, 4, 9);
        id[13] = '-';
        hex(most, 4, 14);
        id[18] = '-';
        hex(least >>> 48, 4, 19);
        id[23] = '-';
        hex(least, 12, 24);
        return id;
    }

    /** The lowest {@code digits} hex digits of {@code value} into {@code id[at, at + digits)}. */
    private void hex(long value, int digits, int at) {
        for (int i = digits - 1; i >= 0; i--) {
            id[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }

    private static int bytesFieldSize(int field, int length) {
        return length == 0 ? 0 : CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }

    private static int uint64FieldSize(int field, long value) {
        return value == 0 ? 0 : CodedOutputStream.computeUInt64Size(field, value);
    }

    private static int messageFieldSize(int field, int length) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }

    /** A {@code google.protobuf.Timestamp}'s size: seconds (int64) and nanos (int32), each left out when 0. */
    private static int timestampSize(Instant time) {
        return (time.getEpochSecond() == 0 ? 0 : CodedOutputStream.computeInt64Size(TIMESTAMP_SECONDS, time.getEpochSecond()))
                + (time.getNano() == 0 ? 0 : CodedOutputStream.computeInt32Size(TIMESTAMP_NANOS, time.getNano()));
    }

    private static void writeBytes(CodedOutputStream out, int field, byte[] bytes) throws IOException {
        if (bytes.length > 0) {
            out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(bytes.length);
            out.writeRawBytes(bytes);
        }
    }

    private static void writeUInt64(CodedOutputStream out, int field, long value) throws IOException {
        if (value != 0) {
            out.writeUInt64(field, value);
        }
    }

    private static void writeTimestamp(CodedOutputStream out, int field, Instant time, int size) throws IOException {
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(size);
        if (time.getEpochSecond() != 0) {
            out.writeInt64(TIMESTAMP_SECONDS, time.getEpochSecond());
        }
        if (time.getNano() != 0) {
            out.writeInt32(TIMESTAMP_NANOS, time.getNano());
        }
    }

    /** The last string a field had, with its UTF-8 bytes, so that the next equal one is not encoded again. */
    private static final class LastUtf8 {
        private String text = "";
        private byte[] bytes = new byte[0];

        byte[] of(String value) {
            if (value != text && !value.equals(text)) {
                bytes = value.getBytes(StandardCharsets.UTF_8);
                text = value;
            }
            return bytes;
        }
    }
}
