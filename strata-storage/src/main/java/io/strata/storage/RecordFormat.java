package io.strata.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;
import io.strata.core.EventData;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;

/**
 * The byte layout of one event record in a log segment (segment format version 4). All integers big-endian.
 *
 * <pre>
 *  0        4        8                16               24               32   33
 *  +--------+--------+----------------+----------------+----------------+----+
 *  | length | crc32c |    position    |    revision    | recordedMicros |flag|   assigned by the log
 *  +--------+--------+----------------+----------------+----------------+----+
 *  33                                 49   50   52   54       58       62
 *  +----------------------------------+----+----+----+--------+--------+
 *  |        event id (msb, lsb)       |ctLn|strLn|tyLn| metaLn | dataLn |                  the body: what
 *  +----------------------------------+----+----+----+--------+--------+                  the writer sent
 *  62
 *  +--------+------+--------------+----------+------+---------------------+-------------+
 *  | stream | type | content type | metadata | data | validMicros (flag 4) |   trailer   |
 *  +--------+------+--------------+----------+------+---------------------+-------------+
 *                                                        8 B, or absent      32 B or 8 B
 * </pre>
 *
 * <ul>
 *   <li>{@code length}: bytes after the length field, so a record takes {@code 4 + length} bytes.</li>
 *   <li>{@code crc32c}: CRC32C of every byte after it, through the trailer.</li>
 *   <li>{@code flags}: {@link #BATCH_FIRST} and {@link #BATCH_LAST} bracket an atomic append (both on
 *       a one-event append); {@link #HAS_VALID_TIME} (only then is {@code validMicros} there);
 *       {@link #CLIENT_ID} when the writer supplied the event id (only those are indexed for idempotence).</li>
 *   <li>{@code ctLn}: content-type length; 0 means {@code application/json}.</li>
 *   <li>{@code trailer}: on an append's last record ({@link #BATCH_LAST}), the append's link (32 bytes):
 *       SHA-256(the previous append's link ‖ for each of its records: bytes 8 … 32 ‖ SHA-256(bytes
 *       33 … end of body)); on its other records, the first 8 bytes of that record's own SHA-256(bytes
 *       33 … end of body). See {@link ChainHasher}. The first append of the log chains from 32 zero bytes.
 *       Changing, removing or reordering any record breaks the chain at that record or at the end of
 *       its append.</li>
 * </ul>
 *
 * <p>Design note: version 3 had {@code validMicros} in every record and a whole body digest (32 B) in
 * each record but an append's last, 377 bytes for a W3 event (appends of 100 events of 256 B). W3 waits
 * on the disk's bandwidth, and these 32 bytes were 8.5 % of it: without them W3 ran 7.8 % faster in four
 * interleaved pairs (ADR 0014). The digest in a record only names which record of an append was changed:
 * the link, which covers every body's whole digest, is what makes a change evident, and 8 bytes make a
 * body forged to match the stored digest a 2^64 search.
 *
 * <p>This class is stateless and thread-safe.
 */
final class RecordFormat {
    static final int HEADER_BYTES = 62;
    /** The link an append's last record ends with. */
    static final int LINK_BYTES = 32;
    /** The part of its own body digest that every other record ends with. */
    static final int DIGEST_PREFIX_BYTES = 8;
    static final int VALID_TIME_BYTES = 8;
    /** The smallest record: a header and a digest prefix, with empty names and no data. */
    static final int MIN_RECORD_BYTES = HEADER_BYTES + DIGEST_PREFIX_BYTES;
    /** Bytes the length and crc fields take before the checksummed body. */
    static final int PREFIX_BYTES = 8;

    static final byte BATCH_FIRST = 1;
    static final byte BATCH_LAST = 2;
    static final byte HAS_VALID_TIME = 4;
    static final byte CLIENT_ID = 8;

    static final int OFF_POSITION = 8;
    static final int OFF_REVISION = 16;
    static final int OFF_RECORDED = 24;
    static final int OFF_FLAGS = 32;
    /** Where the body starts: the part the appending thread encodes and digests before queueing. */
    static final int OFF_BODY = 33;
    static final int OFF_ID = 33;
    static final int OFF_CONTENT_TYPE_LENGTH = 49;
    static final int OFF_STREAM_LENGTH = 50;
    static final int OFF_TYPE_LENGTH = 52;
    static final int OFF_METADATA_LENGTH = 54;
    static final int OFF_DATA_LENGTH = 58;

    private RecordFormat() {
    }

    static byte[] contentTypeBytes(String contentType) {
        // 0 bytes stands for application/json, the common case.
        return EventData.JSON.equals(contentType) ? new byte[0] : contentType.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Encodes a record's body (bytes 33 … end of data), which depends only on the event: the
     * appending thread does this, so the writer only copies it.
     */
    static byte[] encodeBody(EventData event, UUID id, byte[] stream, byte[] type, byte[] contentType) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES - OFF_BODY + stream.length + type.length + contentType.length
                + event.metadata().length + event.data().length + (event.validTime().isPresent() ? VALID_TIME_BYTES : 0));
        out.putLong(id.getMostSignificantBits());
        out.putLong(id.getLeastSignificantBits());
        out.put((byte) contentType.length);
        out.putShort((short) stream.length);
        out.putShort((short) type.length);
        out.putInt(event.metadata().length);
        out.putInt(event.data().length);
        out.put(stream);
        out.put(type);
        out.put(contentType);
        out.put(event.metadata());
        out.put(event.data());
        if (event.validTime().isPresent()) {
            out.putLong(toMicros(event.validTime().get()));
        }
        return out.array();
    }

    /** Bytes a record with this pre-encoded body takes in the log, as its append's last record or not. */
    static int recordBytes(byte[] body, boolean lastOfAppend) {
        return OFF_BODY + body.length + trailerBytes(lastOfAppend);
    }

    private static int trailerBytes(boolean lastOfAppend) {
        return lastOfAppend ? LINK_BYTES : DIGEST_PREFIX_BYTES;
    }

    /**
     * Writes one record at the buffer's position from its pre-encoded body and body digest, adding it
     * to {@code hasher}'s link of its append (which the append's last record stores) and computing its CRC.
     */
    static void write(ByteBuffer out, long position, long revision, long recordedMicros, byte flags,
                      byte[] body, byte[] bodyDigest, ChainHasher hasher) {
        int start = out.position();
        boolean last = (flags & BATCH_LAST) != 0;
        out.putInt(recordBytes(body, last) - 4);
        out.putInt(0); // crc, filled below
        out.putLong(position);
        out.putLong(revision);
        out.putLong(recordedMicros);
        out.put(flags);
        out.put(body);
        hasher.add(out, start, bodyDigest);
        if (last) {
            hasher.finishAppend();
            hasher.writeCurrent(out);
        } else {
            out.put(bodyDigest, 0, DIGEST_PREFIX_BYTES);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), out.arrayOffset() + start + PREFIX_BYTES, out.position() - start - PREFIX_BYTES);
        out.putInt(start + 4, (int) crc.getValue());
    }

    /** The record length field at {@code offset}; 0 or garbage when nothing valid is there. */
    static int length(ByteBuffer buf, int offset) {
        return buf.getInt(offset);
    }

    /** Whether the CRC of the whole record at {@code offset} (which must be fully in the buffer) matches. */
    static boolean crcMatches(ByteBuffer buf, int offset) {
        int length = buf.getInt(offset);
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(offset + PREFIX_BYTES, length - 4));
        return (int) crc.getValue() == buf.getInt(offset + 4);
    }

    /** Whether a length field is one a valid record could have. */
    static boolean plausibleLength(int length, int maxRecordBytes) {
        return length >= MIN_RECORD_BYTES - 4 && length <= maxRecordBytes;
    }

    static long position(ByteBuffer buf, int offset) {
        return buf.getLong(offset + OFF_POSITION);
    }

    static long revision(ByteBuffer buf, int offset) {
        return buf.getLong(offset + OFF_REVISION);
    }

    static long recordedMicros(ByteBuffer buf, int offset) {
        return buf.getLong(offset + OFF_RECORDED);
    }

    static byte flags(ByteBuffer buf, int offset) {
        return buf.get(offset + OFF_FLAGS);
    }

    static UUID id(ByteBuffer buf, int offset) {
        return new UUID(buf.getLong(offset + OFF_ID), buf.getLong(offset + OFF_ID + 8));
    }

    static int streamLength(ByteBuffer buf, int offset) {
        return Short.toUnsignedInt(buf.getShort(offset + OFF_STREAM_LENGTH));
    }

    static int typeLength(ByteBuffer buf, int offset) {
        return Short.toUnsignedInt(buf.getShort(offset + OFF_TYPE_LENGTH));
    }

    /** Whether the record at {@code offset} belongs to the stream whose UTF-8 name is {@code stream}. */
    static boolean streamEquals(ByteBuffer buf, int offset, byte[] stream) {
        int n = streamLength(buf, offset);
        if (n != stream.length) {
            return false;
        }
        return buf.slice(offset + HEADER_BYTES, n).equals(ByteBuffer.wrap(stream));
    }

    static String stream(ByteBuffer buf, int offset) {
        return string(buf, offset + HEADER_BYTES, streamLength(buf, offset));
    }

    static String type(ByteBuffer buf, int offset) {
        return string(buf, offset + HEADER_BYTES + streamLength(buf, offset), typeLength(buf, offset));
    }

    /**
     * The trailer of the record at {@code offset}: the append's link on its last record, else the first
     * {@value #DIGEST_PREFIX_BYTES} bytes of the record's body digest.
     */
    static ByteBuffer trailer(ByteBuffer buf, int offset) {
        int n = trailerBytes((flags(buf, offset) & BATCH_LAST) != 0);
        return buf.slice(end(buf, offset) - n, n);
    }

    /** Where the body of the record at {@code offset} ends: its trailer's first byte. */
    static int bodyEnd(ByteBuffer buf, int offset) {
        return end(buf, offset) - trailerBytes((flags(buf, offset) & BATCH_LAST) != 0);
    }

    private static int end(ByteBuffer buf, int offset) {
        return offset + 4 + buf.getInt(offset);
    }

    /** Decodes the whole record at {@code offset}. */
    static RecordedEvent decode(ByteBuffer buf, int offset) {
        int streamLength = streamLength(buf, offset);
        int typeLength = typeLength(buf, offset);
        int contentTypeLength = Byte.toUnsignedInt(buf.get(offset + OFF_CONTENT_TYPE_LENGTH));
        int metadataLength = buf.getInt(offset + OFF_METADATA_LENGTH);
        int dataLength = buf.getInt(offset + OFF_DATA_LENGTH);
        int at = offset + HEADER_BYTES;
        String stream = string(buf, at, streamLength);
        at += streamLength;
        String type = string(buf, at, typeLength);
        at += typeLength;
        String contentType = contentTypeLength == 0 ? EventData.JSON
                : new String(bytes(buf, at, contentTypeLength), StandardCharsets.US_ASCII);
        at += contentTypeLength;
        byte[] metadata = bytes(buf, at, metadataLength);
        at += metadataLength;
        byte[] data = bytes(buf, at, dataLength);
        at += dataLength;
        Optional<Instant> validTime = (flags(buf, offset) & HAS_VALID_TIME) != 0
                ? Optional.of(fromMicros(buf.getLong(at))) : Optional.empty();
        return new RecordedEvent(id(buf, offset), stream, type, revision(buf, offset),
                Position.of(position(buf, offset)), fromMicros(recordedMicros(buf, offset)), validTime,
                contentType, data, metadata);
    }

    static long toMicros(Instant time) {
        return Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000L), time.getNano() / 1_000);
    }

    static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    private static String string(ByteBuffer buf, int at, int length) {
        return new String(bytes(buf, at, length), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buf, int at, int length) {
        byte[] out = new byte[length];
        buf.get(at, out);
        return out;
    }
}
