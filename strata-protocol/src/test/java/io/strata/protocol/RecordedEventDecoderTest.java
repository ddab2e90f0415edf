package io.strata.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.RecordedEvent;
import io.strata.protocol.v1.SubscriptionMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The decoder against its reference: whatever {@code RecordedEvent.parseFrom} followed by
 * {@link ProtoMapping#fromProto(io.strata.protocol.v1.RecordedEvent)} makes of some bytes, event or exception,
 * the decoder makes of them too.
 */
class RecordedEventDecoderTest {
    private static final Instant RECORDED = Instant.parse("2026-11-27T10:15:30.123456Z");
    private static final String ID = "0b6e9a43-5f0c-4d6a-9b5e-6f1d2c3b4a59";
    private static final int UNKNOWN = 99;

    private final RecordedEventDecoder decoder = new RecordedEventDecoder();

    // --- equivalence on what the server sends -----------------------------------------------------

    @Test
    void randomEventsDecodeAsTheGeneratedParserAndProtoMappingDecodeThem() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        RandomEvents events = new RandomEvents(random);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = events.nextProto().toByteArray();
            assertSameEvent(decoder.decode(body), generated(body), "seed " + seed + ", event " + i);
        }
    }

    @Test
    void eventsInsideASubscriptionMessageAreReadFromEveryKindOfInput() throws IOException {
        long seed = new Random().nextLong();
        RandomEvents events = new RandomEvents(new Random(seed));
        SubscriptionMessage.Builder message = SubscriptionMessage.newBuilder();
        for (int i = 0; i < 200; i++) {
            message.addEvents(events.nextProto());
        }
        byte[] bytes = message.setCaughtUp(true).build().toByteArray();
        List<RecordedEvent> expected = ProtoMapping.eventsFromProto(SubscriptionMessage.parseFrom(bytes).getEventsList());

        List<Function<byte[], CodedInputStream>> inputs = List.of(
                CodedInputStream::newInstance,
                b -> CodedInputStream.newInstance(new ByteArrayInputStream(b), 16), // fields span buffer refills
                b -> CodedInputStream.newInstance(ByteBuffer.wrap(b)),
                b -> CodedInputStream.newInstance(ByteBuffer.allocateDirect(b.length).put(b).flip()));
        for (int kind = 0; kind < inputs.size(); kind++) {
            String context = "seed " + seed + ", input kind " + kind;
            Walked walked = walk(inputs.get(kind).apply(bytes), new RecordedEventDecoder());
            assertThat(walked.caughtUp()).as(context).isTrue();
            assertThat(walked.events()).as(context).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertSameEvent(walked.events().get(i), expected.get(i), context + ", event " + i);
            }
        }
    }

    @Test
    void randomlyCorruptedMessagesHaveTheSameOutcomeAsWithTheGeneratedParser() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        RandomEvents events = new RandomEvents(random);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body = events.nextProto().toByteArray();
            for (int c = random.nextInt(3); c >= 0; c--) {
                body = corrupt(body, random);
            }
            if (assertDecodesLikeTheGeneratedParser(body, "seed " + seed + ", message " + i) != null) {
                decoded++;
            }
        }
        assertThat(decoded).as("seed %d: some corrupted messages are still events, most are not", seed)
                .isBetween(1, 19_999);
    }

    @Test
    void everyPrefixOfAMessageHasTheSameOutcomeAsWithTheGeneratedParser() {
        byte[] body = ProtoMapping.toProto(new RecordedEvent(UUID.fromString(ID), "account-ü", "Deposited", 3,
                Position.of(300), RECORDED, Optional.of(RECORDED.minusSeconds(60)), "application/json",
                new byte[] {1, 2, 3}, new byte[] {4})).toByteArray();
        for (int length = 0; length <= body.length; length++) {
            byte[] prefix = Arrays.copyOf(body, length);
            assertDecodesLikeTheGeneratedParser(prefix, "prefix of " + length + " bytes");
        }
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(body, body.length - 1)))
                .isExactlyInstanceOf(InvalidProtocolBufferException.class);
    }

    // --- the wire format's rules -------------------------------------------------------------------

    @Test
    void fieldsInAnyOrderDecodeTheSame() {
        byte[] body = message(out -> {
            out.writeByteArray(10, new byte[] {9});
            out.writeByteArray(9, new byte[] {1, 2});
            out.writeString(8, "text/plain");
            out.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(timestamp(60, 5).length);
            out.writeRawBytes(timestamp(60, 5));
            out.writeByteArray(6, timestamp(-30, 999_999_999));
            out.writeUInt64(5, 77);
            out.writeUInt64(4, Long.MAX_VALUE);
            out.writeString(3, "Deposited");
            out.writeString(2, "account-1");
            out.writeString(1, ID);
        });
        RecordedEvent event = assertDecodesLikeTheGeneratedParser(body, "reversed fields");
        assertThat(event).isEqualTo(new RecordedEvent(UUID.fromString(ID), "account-1", "Deposited", Long.MAX_VALUE,
                Position.of(77), Instant.ofEpochSecond(-30, 999_999_999), Optional.of(Instant.ofEpochSecond(60, 5)),
                "text/plain", new byte[] {1, 2}, new byte[] {9}));
    }

    @Test
    void theLastOfARepeatedScalarFieldWins() {
        String otherId = UUID.randomUUID().toString();
        byte[] body = message(out -> {
            out.writeString(1, ID);
            out.writeString(2, "first");
            out.writeUInt64(4, 1);
            out.writeByteArray(9, new byte[] {1});
            out.writeString(1, otherId);
            out.writeString(2, "second");
            out.writeUInt64(4, 2);
            out.writeByteArray(9, new byte[0]);
        });
        RecordedEvent event = assertDecodesLikeTheGeneratedParser(body, "repeated fields");
        assertThat(event.id()).isEqualTo(UUID.fromString(otherId));
        assertThat(event.stream()).isEqualTo("second");
        assertThat(event.revision()).isEqualTo(2);
        assertThat(event.data()).isEmpty();
    }

    @Test
    void unknownFieldsOfEveryWireTypeAreSkipped() {
        byte[] timestampWithUnknownFields = message(out -> {
            out.writeFixed64(UNKNOWN, 1);
            out.writeInt64(1, 1_000);
            out.writeString(UNKNOWN, "?");
            out.writeInt32(2, 500);
        });
        byte[] body = message(out -> {
            out.writeUInt64(UNKNOWN, 1);
            out.writeString(1, ID);
            out.writeFixed64(UNKNOWN + 1, -1);
            out.writeString(UNKNOWN + 2, "skipped");
            out.writeTag(UNKNOWN + 3, WireFormat.WIRETYPE_START_GROUP);
            out.writeString(1, "inside a group");
            out.writeTag(2, WireFormat.WIRETYPE_START_GROUP);
            out.writeFixed32(3, 7);
            out.writeTag(2, WireFormat.WIRETYPE_END_GROUP);
            out.writeTag(UNKNOWN + 3, WireFormat.WIRETYPE_END_GROUP);
            out.writeFixed32(UNKNOWN + 4, 42);
            out.writeUInt64(2, 12345); // a known field with another wire type is an unknown one
            out.writeString(2, "account-1");
            out.writeByteArray(6, timestampWithUnknownFields);
        });
        RecordedEvent event = assertDecodesLikeTheGeneratedParser(body, "unknown fields");
        assertThat(event.stream()).isEqualTo("account-1");
        assertThat(event.recordedTime()).isEqualTo(Instant.ofEpochSecond(1_000, 500));
    }

    @Test
    void aTimestampGivenTwiceIsMergedEachPartKeepingItsLastValue() {
        byte[] body = message(out -> {
            out.writeString(1, ID);
            out.writeByteArray(6, timestamp(5, 7));
            out.writeByteArray(6, message(time -> time.writeInt32(2, 9)));
            out.writeByteArray(7, message(time -> time.writeInt64(1, 11)));
            out.writeByteArray(7, message(time -> {
                time.writeInt32(2, 3);
                time.writeInt64(1, 0); // written, so it counts although it is the default
            }));
        });
        RecordedEvent event = assertDecodesLikeTheGeneratedParser(body, "merged timestamps");
        assertThat(event.recordedTime()).isEqualTo(Instant.ofEpochSecond(5, 9));
        assertThat(event.validTime()).contains(Instant.ofEpochSecond(0, 3));
    }

    @Test
    void anEmptyValidTimeIsPresentAndAbsentFieldsTakeTheirDefaults() {
        RecordedEvent event = assertDecodesLikeTheGeneratedParser(message(out -> {
            out.writeString(1, ID);
            out.writeByteArray(7, new byte[0]);
        }), "empty valid time");
        assertThat(event).isEqualTo(new RecordedEvent(UUID.fromString(ID), "", "", 0, Position.of(0), Instant.EPOCH,
                Optional.of(Instant.EPOCH), "", new byte[0], new byte[0]));
    }

    @Test
    void anIdThatIsNotAUuidFailsAsInProtoMapping() {
        for (String id : List.of("not-a-uuid", "", "0b6e9a43-5f0c-4d6a-9b5e-6f1d2c3b4a5g", "0b6e9a43x5f0c-4d6a-9b5e-6f1d2c3b4a59",
                ID + "0", "ü")) {
            byte[] body = message(out -> out.writeString(1, id));
            assertDecodesLikeTheGeneratedParser(body, "id '" + id + "'");
            assertThatThrownBy(() -> decoder.decode(body)).isExactlyInstanceOf(InvalidRequestException.class)
                    .hasMessage("event id must be a UUID, got '" + id + "'");
        }
    }

    @Test
    void anIdInAFormUuidFromStringAcceptsDecodesToTheSameUuid() {
        for (String id : List.of("1-1-1-1-1", ID.toUpperCase(), "0B6e9A43-5f0C-4d6a-9b5e-6F1d2c3B4a59",
                "+b6e9a43-5f0c-4d6a-9b5e-6f1d2c3b4a59", "\uFF11-1-1-1-1", "00000000-0000-0000-0000-000000000000",
                "ffffffff-ffff-ffff-ffff-ffffffffffff")) {
            RecordedEvent event = assertDecodesLikeTheGeneratedParser(message(out -> out.writeString(1, id)), "id " + id);
            assertThat(event.id()).as(id).isEqualTo(UUID.fromString(id));
        }
    }

    @Test
    void conversionErrorsAreThoseOfProtoMappingInItsOrder() {
        byte[] badTime = timestamp(Long.MAX_VALUE, 0);
        List<byte[]> bodies = List.of(
                message(out -> {
                    out.writeString(1, ID);
                    out.writeByteArray(6, badTime);
                }),
                message(out -> {
                    out.writeString(1, ID);
                    out.writeByteArray(7, timestamp(Long.MIN_VALUE, -1));
                }),
                message(out -> {
                    out.writeString(1, ID);
                    out.writeUInt64(5, -1); // 2^64 - 1: over Long.MAX_VALUE
                }),
                message(out -> { // every conversion error at once: ProtoMapping reports the valid time's first
                    out.writeByteArray(6, badTime);
                    out.writeUInt64(5, -1);
                    out.writeString(1, "bad");
                    out.writeByteArray(7, badTime);
                }),
                message(out -> {
                    out.writeByteArray(6, badTime);
                    out.writeUInt64(5, -1);
                    out.writeString(1, "bad");
                }),
                message(out -> {
                    out.writeByteArray(6, badTime);
                    out.writeUInt64(5, -1);
                    out.writeString(1, ID);
                }));
        for (int i = 0; i < bodies.size(); i++) {
            byte[] body = bodies.get(i);
            assertDecodesLikeTheGeneratedParser(body, "body " + i);
            assertThatThrownBy(() -> decoder.decode(body)).as("body %d", i).isInstanceOf(InvalidRequestException.class);
        }
        assertThatThrownBy(() -> decoder.decode(bodies.get(3))).hasMessageContaining("9223372036854775807 s");
    }

    @Test
    void invalidUtf8InAStringFieldFailsAsInTheGeneratedParser() throws IOException {
        byte[] invalid = {'a', (byte) 0xC3}; // a two-byte sequence cut short
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80}; // U+D800, not allowed in UTF-8
        for (int field : List.of(1, 2, 3, 8)) {
            for (byte[] bytes : List.of(invalid, surrogate)) {
                byte[] body = message(out -> {
                    out.writeString(1, ID);
                    out.writeByteArray(field, bytes);
                });
                assertDecodesLikeTheGeneratedParser(body, "field " + field);
                assertThatThrownBy(() -> decoder.decode(body)).isExactlyInstanceOf(InvalidProtocolBufferException.class);
            }
        }
        // An invalid value is not cached: the same bytes fail again, and the previous value is still right.
        byte[] good = message(out -> out.writeString(2, "a"));
        byte[] bad = message(out -> out.writeByteArray(2, invalid));
        assertThat(decoder.decode(withId(good)).stream()).isEqualTo("a");
        assertThatThrownBy(() -> decoder.decode(withId(bad))).isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> decoder.decode(withId(bad))).isInstanceOf(InvalidProtocolBufferException.class);
        assertThat(decoder.decode(withId(good)).stream()).isEqualTo("a");
    }

    @Test
    void aTruncatedMessageFailsAsInTheGeneratedParser() {
        byte[] whole = message(out -> {
            out.writeString(1, ID);
            out.writeString(2, "account-1");
            out.writeByteArray(9, new byte[100]);
        });
        for (int cut : List.of(1, 5, 40, whole.length - 50, whole.length - 1)) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            assertDecodesLikeTheGeneratedParser(truncated, "cut at " + cut);
            assertThatThrownBy(() -> decoder.decode(truncated)).isExactlyInstanceOf(InvalidProtocolBufferException.class);
        }
        // A length that runs past the event's end, inside an enclosing message that goes on.
        byte[] overlong = message(out -> {
            out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(10);
            out.writeRawBytes(new byte[] {'a', 'b'});
        });
        assertDecodesLikeTheGeneratedParser(overlong, "string longer than its message");
    }

    @Test
    void malformedTagsAndVarintsHaveTheSameOutcomeAsWithTheGeneratedParser() {
        byte[] elevenByteVarint = {(byte) 0xF0, (byte) 0xB3, (byte) 0x9A, (byte) 0x88, (byte) 0xDB, (byte) 0x93,
                (byte) 0xF3, (byte) 0x95, (byte) 0x92, (byte) 0x95, 0x6D};
        List<byte[]> bodies = List.of(
                // The generated parser reads an unknown varint with readInt64, which takes this one (its tenth
                // byte goes on) where CodedInputStream.skipField would not.
                message(out -> {
                    out.writeString(1, ID);
                    out.writeTag(UNKNOWN, WireFormat.WIRETYPE_VARINT);
                    out.writeRawBytes(elevenByteVarint);
                }),
                message(out -> {
                    out.writeString(1, ID);
                    out.writeTag(6, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(1 + elevenByteVarint.length);
                    out.writeRawByte(8);
                    out.writeRawBytes(elevenByteVarint);
                }),
                message(out -> out.writeRawBytes(new byte[] {0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01})),
                message(out -> {
                    out.writeString(1, ID);
                    out.writeTag(UNKNOWN, WireFormat.WIRETYPE_END_GROUP); // an end without a start
                }),
                message(out -> {
                    out.writeTag(UNKNOWN, WireFormat.WIRETYPE_START_GROUP);
                    out.writeTag(UNKNOWN + 1, WireFormat.WIRETYPE_END_GROUP); // the end of another group
                }),
                message(out -> {
                    out.writeString(1, ID);
                    out.writeTag(UNKNOWN, WireFormat.WIRETYPE_START_GROUP); // never ended
                }),
                message(out -> out.writeByteArray(6, message(time -> time.writeTag(1, WireFormat.WIRETYPE_END_GROUP)))),
                message(out -> out.writeRawBytes(new byte[] {(byte) (UNKNOWN << 3 | 6), 0})), // wire types 6 and 7
                message(out -> out.writeRawBytes(new byte[] {(byte) (2 << 3 | 7), 0})),
                message(out -> out.writeRawBytes(new byte[] {0x00, 0x01})), // field number 0
                message(out -> {
                    out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(-2); // a negative length
                }),
                message(out -> {
                    out.writeTag(6, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(-2);
                }),
                message(out -> {
                    out.writeTag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(Integer.MAX_VALUE);
                }));
        for (int i = 0; i < bodies.size(); i++) {
            assertDecodesLikeTheGeneratedParser(bodies.get(i), "body " + i);
        }
    }

    // --- the caches --------------------------------------------------------------------------------

    @Test
    void cachedStringsFollowValuesThatChangeBackAndForth() throws IOException {
        List<String> values = List.of("a", "b", "a", "a", "", "a", "ab", "a", "ä", "a", "b", "b");
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            String other = values.get(values.size() - 1 - i);
            byte[] body = message(out -> {
                out.writeString(1, ID);
                out.writeString(2, value);
                out.writeString(3, other);
                out.writeString(8, value + other);
            });
            RecordedEvent event = decoder.decode(body);
            assertThat(event.stream()).as("event %d", i).isEqualTo(value);
            assertThat(event.type()).as("event %d", i).isEqualTo(other);
            assertThat(event.contentType()).as("event %d", i).isEqualTo(value + other);
        }
    }

    @Test
    void anAbsentStringFieldIsEmptyEvenWhenTheLastEventHadAValue() throws IOException {
        decoder.decode(message(out -> {
            out.writeString(1, ID);
            out.writeString(2, "account-1");
            out.writeString(3, "Deposited");
            out.writeString(8, "application/json");
        }));
        RecordedEvent event = decoder.decode(message(out -> out.writeString(1, ID)));
        assertThat(event.stream()).isEmpty();
        assertThat(event.type()).isEmpty();
        assertThat(event.contentType()).isEmpty();
    }

    @Test
    void stringsLongerThanTheReadBufferDecodeToo() throws IOException {
        Random random = new Random(1);
        for (int length : List.of(63, 64, 65, 1000, 4095, 4096, 4097, 10_000, 4097, 100)) {
            String stream = RandomEvents.text(random, length, length);
            byte[] body = message(out -> {
                out.writeString(1, ID);
                out.writeString(2, stream);
                out.writeString(3, stream);
            });
            RecordedEvent event = decoder.decode(body);
            assertSameEvent(event, generated(body), "length " + length);
            assertThat(event.stream()).isEqualTo(stream);
        }
    }

    // --- readEvent ---------------------------------------------------------------------------------

    @Test
    void readEventLeavesTheInputAfterAnEventThatCannotBeConverted() throws IOException {
        byte[] bytes = SubscriptionMessage.newBuilder()
                .addEvents(io.strata.protocol.v1.RecordedEvent.newBuilder().setId("bad").setStream("s"))
                .addEvents(io.strata.protocol.v1.RecordedEvent.newBuilder().setId(ID).setStream("s"))
                .setCaughtUp(true).build().toByteArray();
        CodedInputStream in = CodedInputStream.newInstance(bytes);

        assertThat(in.readTag()).isEqualTo(eventTag());
        assertThatThrownBy(() -> decoder.readEvent(in)).isInstanceOf(InvalidRequestException.class);
        assertThat(in.readTag()).isEqualTo(eventTag());
        assertThat(decoder.readEvent(in).id()).isEqualTo(UUID.fromString(ID));
        assertThat(in.readTag()).isEqualTo(caughtUpTag());
        assertThat(in.readBool()).isTrue();
        assertThat(in.isAtEnd()).isTrue();
    }

    // --- helpers -----------------------------------------------------------------------------------

    private record Walked(List<RecordedEvent> events, boolean caughtUp) {
    }

    /** Reads a SubscriptionMessage as a client does: tag 1 an event, tag 2 caught_up. */
    private static Walked walk(CodedInputStream in, RecordedEventDecoder decoder) {
        try {
            List<RecordedEvent> events = new ArrayList<>();
            boolean caughtUp = false;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == eventTag()) {
                    events.add(decoder.readEvent(in));
                } else if (tag == caughtUpTag()) {
                    caughtUp = in.readBool();
                } else {
                    in.skipField(tag);
                }
            }
            return new Walked(events, caughtUp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int eventTag() {
        return SubscriptionMessage.EVENTS_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    private static int caughtUpTag() {
        return SubscriptionMessage.CAUGHT_UP_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;
    }

    /**
     * Decodes {@code body} alone with {@link RecordedEventDecoder#decode} and, inside a SubscriptionMessage, with
     * {@link RecordedEventDecoder#readEvent}, and checks each outcome, event or exception, against the generated
     * parser's. The event, when there is one.
     */
    private RecordedEvent assertDecodesLikeTheGeneratedParser(byte[] body, String context) {
        Object expected = eventOrThrown(body, RecordedEventDecoderTest::generatedLeniently);
        Object decoded = eventOrThrown(body, this::decodeLeniently);
        assertSameOutcome(decoded, expected, context + ", decode");

        byte[] enclosing = message(out -> {
            out.writeByteArray(SubscriptionMessage.EVENTS_FIELD_NUMBER, body);
            out.writeBool(SubscriptionMessage.CAUGHT_UP_FIELD_NUMBER, true);
        });
        Object expectedEnclosed = eventOrThrown(enclosing, bytes -> ProtoMapping.fromProto(
                parse(() -> SubscriptionMessage.parseFrom(bytes)).getEvents(0)));
        Object read = eventOrThrown(enclosing, bytes -> walk(CodedInputStream.newInstance(bytes), decoder).events().get(0));
        assertSameOutcome(read, expectedEnclosed, context + ", readEvent");
        return decoded instanceof RecordedEvent event ? event : null;
    }

    private Object decodeLeniently(byte[] body) {
        try {
            return decoder.decode(body);
        } catch (InvalidProtocolBufferException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RecordedEvent generatedLeniently(byte[] body) {
        return ProtoMapping.fromProto(parse(() -> io.strata.protocol.v1.RecordedEvent.parseFrom(body)));
    }

    private static RecordedEvent generated(byte[] body) throws InvalidProtocolBufferException {
        return ProtoMapping.fromProto(io.strata.protocol.v1.RecordedEvent.parseFrom(body));
    }

    private interface Parse<T> {
        T run() throws IOException;
    }

    private static <T> T parse(Parse<T> parse) {
        try {
            return parse.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What {@code decode} returns, or the exception it throws (unwrapped from UncheckedIOException). */
    private static Object eventOrThrown(byte[] body, Function<byte[], ?> decode) {
        try {
            Object result = decode.apply(body);
            return result instanceof RecordedEvent event ? event : result;
        } catch (UncheckedIOException e) {
            return e.getCause();
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static void assertSameOutcome(Object actual, Object expected, String context) {
        if (expected instanceof Throwable thrown) {
            assertThat(actual).as(context + ": expected " + thrown).isExactlyInstanceOf(thrown.getClass());
            assertThat(((Throwable) actual).getMessage()).as(context).isEqualTo(thrown.getMessage());
        } else {
            assertThat(actual).as(context).isInstanceOf(RecordedEvent.class);
            assertSameEvent((RecordedEvent) actual, (RecordedEvent) expected, context);
        }
    }

    private static void assertSameEvent(RecordedEvent actual, RecordedEvent expected, String context) {
        assertThat(actual.id()).as(context + ": id").isEqualTo(expected.id());
        assertThat(actual.stream()).as(context + ": stream").isEqualTo(expected.stream());
        assertThat(actual.type()).as(context + ": type").isEqualTo(expected.type());
        assertThat(actual.revision()).as(context + ": revision").isEqualTo(expected.revision());
        assertThat(actual.position()).as(context + ": position").isEqualTo(expected.position());
        assertThat(actual.recordedTime()).as(context + ": recorded time").isEqualTo(expected.recordedTime());
        assertThat(actual.validTime()).as(context + ": valid time").isEqualTo(expected.validTime());
        assertThat(actual.contentType()).as(context + ": content type").isEqualTo(expected.contentType());
        assertThat(actual.data()).as(context + ": data").isEqualTo(expected.data());
        assertThat(actual.metadata()).as(context + ": metadata").isEqualTo(expected.metadata());
        assertThat(actual).as(context).isEqualTo(expected);
    }

    private interface Writes {
        void to(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writes writes) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            writes.to(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One random change: a byte replaced or flipped, inserted or removed, a cut, or a run of 0xFF. */
    private static byte[] corrupt(byte[] body, Random random) {
        if (body.length == 0) {
            return body;
        }
        int at = random.nextInt(body.length);
        byte[] changed = body.clone();
        switch (random.nextInt(6)) {
            case 0 -> changed[at] = (byte) random.nextInt(256);
            case 1 -> changed[at] ^= (byte) (1 << random.nextInt(8));
            case 2 -> changed = splice(body, at, 0, new byte[] {(byte) random.nextInt(256)});
            case 3 -> changed = splice(body, at, 1, new byte[0]);
            case 4 -> changed = Arrays.copyOf(body, at);
            default -> {
                byte[] run = new byte[1 + random.nextInt(11)];
                Arrays.fill(run, (byte) 0xFF);
                changed = splice(body, at, 0, run);
            }
        }
        return changed;
    }

    private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(insert);
        out.write(bytes, at + remove, bytes.length - at - remove);
        return out.toByteArray();
    }

    private static byte[] timestamp(long seconds, int nanos) {
        return message(out -> {
            out.writeInt64(1, seconds);
            out.writeInt32(2, nanos);
        });
    }

    private static byte[] withId(byte[] body) {
        return message(out -> {
            out.writeString(1, ID);
            out.writeRawBytes(body);
        });
    }
}
