package io.strata.eventsourcing;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamNotFoundException;
import io.strata.eventsourcing.Counters.Counter;
import io.strata.eventsourcing.Counters.CounterCommand;
import io.strata.eventsourcing.Counters.CounterEvent;
import io.strata.eventsourcing.Counters.Increment;
import io.strata.eventsourcing.Counters.Incremented;
import io.strata.eventsourcing.Counters.InvalidIncrementException;
import io.strata.eventsourcing.Counters.Reset;
import io.strata.eventsourcing.Counters.WasReset;
import io.strata.eventsourcing.serialization.DecodedEvent;
import io.strata.eventsourcing.serialization.EventTypeRegistry;
import io.strata.eventsourcing.serialization.JsonEventSerializer;
import io.strata.eventsourcing.serialization.UnknownEventTypeException;
import io.strata.storage.EmbeddedEventStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AggregateRepositoryTest {
    @TempDir
    Path directory;
    EmbeddedEventStore store;
    AggregateRepository<CounterCommand, Counter, CounterEvent> counters;

    @BeforeEach
    void open() {
        store = TestStores.open(directory);
        counters = AggregateRepository.builder(store, Counters.CATEGORY, Counters.DECIDER, Counters.SERIALIZER).build();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void loadOfAnAggregateWithoutEventsIsTheInitialStateAtNoRevision() {
        LoadedAggregate<Counter> loaded = counters.load("1");

        assertThat(loaded.state()).isEqualTo(new Counter(0, 0));
        assertThat(loaded.revision()).isEmpty();
        assertThat(loaded.exists()).isFalse();
        assertThat(loaded.stream()).isEqualTo("counter-1");
    }

    @Test
    void handleAppendsTheDecidedEventsToTheCategoryStream() {
        counters.handle("7", new Increment(2));
        CommandResult<Counter, CounterEvent> result = counters.handle("7", new Increment(3));

        assertThat(result.events()).containsExactly(new Incremented(3));
        assertThat(result.state()).isEqualTo(new Counter(5, 2));
        assertThat(result.revision()).isEqualTo(OptionalLong.of(1));
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.append()).hasValueSatisfying(append -> assertThat(append.lastRevision()).isEqualTo(1));
        List<RecordedEvent> stored = store.readStream("counter-7", ReadStreamOptions.forwards()).events();
        assertThat(stored).extracting(RecordedEvent::type).containsExactly("Incremented", "Incremented");
        assertThat(counters.load("7").state()).isEqualTo(new Counter(5, 2));
    }

    @Test
    void aCommandThatDecidesNoEventsAppendsNothing() {
        CommandResult<Counter, CounterEvent> onNew = counters.handle("1", new Reset());

        assertThat(onNew.changedNothing()).isTrue();
        assertThat(onNew.append()).isEmpty();
        assertThatThrownBy(() -> store.readStream("counter-1", ReadStreamOptions.forwards()))
                .isInstanceOf(StreamNotFoundException.class);

        counters.handle("1", new Increment(1));
        counters.handle("1", new Reset());
        long eventsBefore = store.info().events();
        CommandResult<Counter, CounterEvent> noOp = counters.handle("1", new Reset());

        assertThat(noOp.changedNothing()).isTrue();
        assertThat(noOp.revision()).isEqualTo(OptionalLong.of(1));
        assertThat(store.info().events()).isEqualTo(eventsBefore);
    }

    @Test
    void aRejectedCommandPropagatesTheDomainExceptionAndAppendsNothing() {
        counters.handle("1", new Increment(1));

        assertThatThrownBy(() -> counters.handle("1", new Increment(-4)))
                .isExactlyInstanceOf(InvalidIncrementException.class)
                .hasMessage("an increment is 1 or more, got -4");
        assertThat(store.readStream("counter-1", ReadStreamOptions.forwards()).lastRevision()).isZero();
    }

    @Test
    void eventsCarryTheCommandIdAsCausationAndTheContextsCorrelation() {
        CommandContext context = CommandContext.withCommandId("command-1").with("tenant", "acme");
        counters.handle("1", new Increment(1), context);

        DecodedEvent event = decodeOnly("counter-1");
        assertThat(event.metadata().causationId()).hasValue("command-1");
        assertThat(event.metadata().correlationId()).hasValue("command-1");
        assertThat(event.metadata().entry("tenant")).hasValue("acme");
    }

    @Test
    void aCommandCausedByAnEventJoinsItsConversation() {
        counters.handle("1", new Increment(1), CommandContext.withCommandId("request-9"));
        DecodedEvent first = decodeOnly("counter-1");

        CommandContext reaction = CommandContext.causedBy(first);
        counters.handle("2", new Increment(1), reaction);

        DecodedEvent second = decodeOnly("counter-2");
        assertThat(second.metadata().correlationId()).hasValue("request-9");
        assertThat(second.metadata().causationId()).hasValue(reaction.commandId()).isNotEqualTo(Optional.of("request-9"));
        assertThat(CommandContext.withCommandId("a").followUp().correlationId()).isEqualTo("a");
    }

    @Test
    void anEventClassMissingFromTheRegistryFailsTheCommandBeforeAnythingIsAppended() {
        EventTypeRegistry withoutReset = EventTypeRegistry.builder().register("Incremented", Incremented.class).build();
        AggregateRepository<CounterCommand, Counter, CounterEvent> partial = AggregateRepository
                .builder(store, Counters.CATEGORY, Counters.DECIDER, JsonEventSerializer.of(withoutReset)).build();
        partial.handle("1", new Increment(2));

        assertThatThrownBy(() -> partial.handle("1", new Reset()))
                .isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining(WasReset.class.getName());
        assertThat(store.readStream("counter-1", ReadStreamOptions.forwards()).lastRevision()).isZero();
    }

    @Test
    void aStoredEventOfAnUnknownTypeIsReportedNotSkipped() {
        counters.handle("1", new Increment(2));
        store.append("counter-1", ExpectedRevision.ANY, List.of(EventData.json("Decremented", "{\"by\":1}".getBytes())));

        assertThatThrownBy(() -> counters.load("1"))
                .isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("'Decremented'")
                .hasMessageContaining("counter-1@1");
    }

    @Test
    void categoriesWithADashAreRefusedBecauseTheCategoryIsThePartBeforeTheFirstDash() {
        assertThatThrownBy(() -> AggregateRepository.builder(store, "shopping-cart", Counters.DECIDER, Counters.SERIALIZER))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(counters.streamOf("3f1c-77")).isEqualTo("counter-3f1c-77");
    }

    private DecodedEvent decodeOnly(String stream) {
        List<RecordedEvent> events = store.readStream(stream, ReadStreamOptions.forwards()).events();
        assertThat(events).hasSize(1);
        return Counters.SERIALIZER.deserialize(events.getFirst());
    }
}
