package io.strata.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.AllSlice;
import io.strata.core.AppendResult;
import io.strata.core.Direction;
import io.strata.core.Durability;
import io.strata.core.EventData;
import io.strata.core.EventFilter;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StoreInfo;
import io.strata.core.StreamSlice;
import io.strata.protocol.v1.ReadAllRequest;
import io.strata.protocol.v1.ReadStreamRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ProtoMappingTest {
    private static final Instant RECORDED = Instant.parse("2026-11-27T10:15:30.123456789Z");

    @Test
    void eventDataSurvivesTheRoundTripWithEveryOptionalPart() {
        EventData full = new EventData(Optional.of(UUID.randomUUID()), "Deposited", bytes("{\"amount\":5}"),
                bytes("{\"by\":\"me\"}"), "application/vnd.bank+json", Optional.of(Instant.parse("2020-01-01T00:00:00Z")));
        EventData bare = EventData.json("Opened", bytes("{}"));

        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(full))).isEqualTo(full);
        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(bare))).isEqualTo(bare);
    }

    @Test
    void eventDataIsCopiedSoACallerMayReuseItsArray() {
        byte[] data = bytes("{\"n\":1}");
        io.strata.protocol.v1.EventData proto = ProtoMapping.toProto(EventData.json("T", data));
        data[2] = 'X';
        assertThat(proto.getData().toStringUtf8()).isEqualTo("{\"n\":1}");
    }

    @Test
    void everyExpectedRevisionSurvivesTheRoundTrip() {
        for (ExpectedRevision expected : List.of(ExpectedRevision.ANY, ExpectedRevision.NO_STREAM,
                ExpectedRevision.EXISTS, ExpectedRevision.exactly(0), ExpectedRevision.exactly(Long.MAX_VALUE))) {
            assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(expected))).isEqualTo(expected);
        }
    }

    @Test
    void recordedEventsAndSlicesSurviveTheRoundTrip() {
        RecordedEvent withValidTime = new RecordedEvent(UUID.randomUUID(), "account-1", "Deposited", 3, Position.of(42),
                RECORDED, Optional.of(Instant.parse("2019-05-05T05:05:05Z")), "application/json", bytes("{}"), bytes("{\"m\":1}"));
        RecordedEvent plain = new RecordedEvent(UUID.randomUUID(), "account-1", "Withdrawn", 4, Position.of(43),
                RECORDED, Optional.empty(), "text/plain", bytes("hello"), new byte[0]);

        StreamSlice stream = new StreamSlice("account-1", List.of(withValidTime, plain), 9, OptionalLong.of(5));
        StreamSlice lastPage = new StreamSlice("account-1", List.of(plain), 4, OptionalLong.empty());
        AllSlice all = new AllSlice(List.of(withValidTime, plain), Optional.of(Position.of(44)));
        AllSlice end = new AllSlice(List.of(), Optional.empty());

        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(stream))).isEqualTo(stream);
        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(lastPage))).isEqualTo(lastPage);
        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(all))).isEqualTo(all);
        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(end))).isEqualTo(end);
    }

    @Test
    void appendResultAndInfoSurviveTheRoundTrip() {
        AppendResult result = new AppendResult("s", 0, 9, Position.of(100), Position.of(109), RECORDED);
        StoreInfo info = new StoreInfo("0.1.0", "embedded", Durability.BATCHED, Optional.of(Position.of(7)), 2, 8,
                RECORDED, Duration.ofHours(24), 1_000_000);
        StoreInfo empty = new StoreInfo("0.1.0", "embedded", Durability.FSYNC, Optional.empty(), 0, 0,
                RECORDED, Duration.ofMinutes(90), 5);

        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(result))).isEqualTo(result);
        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(info))).isEqualTo(info);
        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(empty))).isEqualTo(empty);
    }

    @Test
    void readOptionsSurviveTheRoundTripIncludingTheEndAndFilters() {
        ReadStreamOptions backwardsAsOf = ReadStreamOptions.backwards().limit(7).asOf(RECORDED);
        ReadAllOptions filtered = ReadAllOptions.forwards().from(12).limit(1000)
                .filter(new EventFilter(Set.of("A", "B"), Optional.of("account"), Optional.of("account-1")));
        ReadAllOptions fromTheEnd = ReadAllOptions.backwards();

        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto("s", backwardsAsOf))).isEqualTo(backwardsAsOf);
        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(filtered))).isEqualTo(filtered);
        assertThat(ProtoMapping.fromProto(ProtoMapping.toProto(fromTheEnd))).isEqualTo(fromTheEnd);
        assertThat(fromTheEnd.direction()).isEqualTo(Direction.BACKWARD);
    }

    @Test
    void anUnsetLimitMeansTheDefaultPage() {
        ReadStreamOptions options = ProtoMapping.fromProto(ReadStreamRequest.newBuilder().setStream("s").build());
        assertThat(options.limit()).isEqualTo(ReadStreamOptions.DEFAULT_LIMIT);
        assertThat(options.from()).isZero();
    }

    @Test
    void hostileNumbersAndIdsAreInvalidRequestsNotCrashes() {
        // uint64 values of 2^63 and more arrive in Java as negative longs.
        assertThatThrownBy(() -> ProtoMapping.fromProto(ReadAllRequest.newBuilder().setFrom(-1).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("18446744073709551615");
        assertThatThrownBy(() -> ProtoMapping.fromProto(ReadStreamRequest.newBuilder().setLimit(-5).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> ProtoMapping.fromProto(io.strata.protocol.v1.ExpectedRevision.newBuilder()
                .setKind(io.strata.protocol.v1.ExpectedRevision.Kind.EXACT).setRevision(-1).build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("expected revision");
        assertThatThrownBy(() -> ProtoMapping.fromProto(io.strata.protocol.v1.ExpectedRevision.newBuilder()
                .setKindValue(99).build()))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ProtoMapping.fromProto(io.strata.protocol.v1.EventData.newBuilder()
                .setId("not-a-uuid").setType("T").build()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not-a-uuid");
        assertThatThrownBy(() -> ProtoMapping.from(Long.MIN_VALUE)).isInstanceOf(InvalidRequestException.class);
        assertThat(ProtoMapping.from(Long.MAX_VALUE)).isEqualTo(ReadAllOptions.END);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
