package io.strata.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.KnownLength;
import io.strata.core.RecordedEvent;
import io.strata.protocol.SubscriptionWire.Incoming;
import io.strata.protocol.v1.SubscriptionMessage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One call's {@link DecodingMarshaller} reads message after message into the array it keeps: each message
 * decodes as the generated parser reads it, whatever the sizes of the messages before it.
 */
class DecodingMarshallerTest {
    @Test
    void messagesOfEverySizeInTurnDecodeAsTheGeneratedParserReadsThem() throws Exception {
        Random random = new Random(5);
        RandomEvents events = new RandomEvents(random);
        DecodingMarshaller<Incoming> marshaller = subscriptionMarshaller();
        for (int round = 0; round < 300; round++) {
            // Mostly small batches, now and then one far over the kept array's 64 KiB, then small again.
            int count = random.nextInt(10) == 0 ? 200 + random.nextInt(400) : random.nextInt(12);
            SubscriptionMessage.Builder message = SubscriptionMessage.newBuilder().setCaughtUp(random.nextBoolean());
            for (int i = 0; i < count; i++) {
                message.addEvents(events.nextProto());
            }
            byte[] bytes = message.build().toByteArray();

            Incoming incoming = marshaller.parse(new KnownLengthStream(bytes));

            SubscriptionMessage expected = SubscriptionMessage.parseFrom(bytes);
            List<RecordedEvent> expectedEvents = ProtoMapping.eventsFromProto(expected.getEventsList());
            assertThat(incoming.caughtUp()).isEqualTo(expected.getCaughtUp());
            assertThat(incoming.events()).containsExactlyElementsOf(expectedEvents);
            assertThat(marshaller.keptBytes()).isLessThanOrEqualTo(DecodingMarshaller.KEPT_BUFFER_BYTES);
        }
    }

    @Test
    void aMessageOverTheBoundGetsAnArrayOfItsOwnAndTheKeptOneStays() {
        DecodingMarshaller<Incoming> marshaller = subscriptionMarshaller();
        RandomEvents events = new RandomEvents(new Random(9));

        marshaller.parse(new KnownLengthStream(message(events, 3)));
        int afterSmall = marshaller.keptBytes();
        marshaller.parse(new KnownLengthStream(message(events, 2_000)));

        assertThat(afterSmall).isPositive().isLessThan(DecodingMarshaller.KEPT_BUFFER_BYTES);
        assertThat(marshaller.keptBytes()).isEqualTo(afterSmall);
    }

    private static byte[] message(RandomEvents events, int count) {
        SubscriptionMessage.Builder message = SubscriptionMessage.newBuilder();
        for (int i = 0; i < count; i++) {
            message.addEvents(events.nextProto());
        }
        return message.build().toByteArray();
    }

    private static DecodingMarshaller<Incoming> subscriptionMarshaller() {
        return (DecodingMarshaller<Incoming>) SubscriptionWire.receivingOneCall(
                io.strata.protocol.v1.EventStoreGrpc.getSubscribeToAllMethod(), null).getResponseMarshaller();
    }

    /** A message as gRPC hands one to a marshaller: its length known. */
    private static final class KnownLengthStream extends ByteArrayInputStream implements KnownLength {
        KnownLengthStream(byte[] bytes) {
            super(bytes);
        }
    }
}
