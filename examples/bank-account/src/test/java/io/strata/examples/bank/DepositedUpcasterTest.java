package io.strata.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.strata.core.EventData;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.eventsourcing.serialization.DecodedEvent;
import io.strata.eventsourcing.serialization.EventMetadata;
import io.strata.examples.bank.AccountEvent.AccountOpened;
import io.strata.examples.bank.AccountEvent.Deposited;
import io.strata.storage.EmbeddedEventStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deposits stored by the first release (v1: whole euros, no currency) are read as v2; the log is never rewritten. */
class DepositedUpcasterTest {
    @TempDir
    Path temp;
    private EmbeddedEventStore store;
    private AccountService accounts;

    @BeforeEach
    void open() {
        store = TestStores.open(temp);
        accounts = new AccountService(store, 100);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aStoredV1DepositIsReadAsV2AndItsBytesStayAsTheyWere() {
        accounts.handle("A1", new AccountCommand.OpenAccount("Ada"));
        EventData v1 = FirstReleaseEvents.deposited(25);
        store.append("account-A1", ExpectedRevision.exactly(0), List.of(v1));

        // Read through the serializer: the current shape, in cents and with the currency v1 left implied.
        RecordedEvent stored = store.readStream("account-A1", ReadStreamOptions.forwards()).events().get(1);
        DecodedEvent decoded = accounts.serializer().deserialize(stored);
        assertThat(decoded.payload()).isEqualTo(new Deposited(2_500, "EUR"));
        assertThat(decoded.storedSchemaVersion()).isEqualTo(1);

        // The aggregate folds it like any deposit, and decides on top of it.
        assertThat(accounts.load("A1").state().balance()).isEqualTo(Money.euros("25.00"));
        accounts.handle("A1", new AccountCommand.Withdraw(Money.euros("25.00")));
        assertThat(accounts.load("A1").state().balanceCents()).isZero();

        // Reading changed nothing on disk: still v1 bytes and v1 metadata.
        RecordedEvent again = store.readStream("account-A1", ReadStreamOptions.forwards()).events().get(1);
        assertThat(new String(again.data(), StandardCharsets.UTF_8)).isEqualTo("{\"amount\":25}");
        assertThat(again.data()).isEqualTo(v1.data());
        assertThat(new String(again.metadata(), StandardCharsets.UTF_8)).isEqualTo("{\"schemaVersion\":1}");
    }

    @Test
    void newDepositsAreWrittenAsV2WithCentsAndCurrency() {
        accounts.handle("A1", new AccountCommand.OpenAccount("Ada"));
        accounts.handle("A1", new AccountCommand.Deposit(Money.euros("12.34")));

        RecordedEvent written = store.readStream("account-A1", ReadStreamOptions.forwards()).events().get(1);
        assertThat(new String(written.data(), StandardCharsets.UTF_8)).isEqualTo("{\"amountCents\":1234,\"currency\":\"EUR\"}");
        assertThat(accounts.serializer().deserialize(written).storedSchemaVersion()).isEqualTo(AccountEventTypes.DEPOSITED_VERSION);
    }

    @Test
    void theHistoryShowsWhichEventsWereStoredInTheOldShape() {
        accounts.handle("A1", new AccountCommand.OpenAccount("Ada"));
        store.append("account-A1", ExpectedRevision.exactly(0), List.of(FirstReleaseEvents.deposited(7)));
        accounts.handle("A1", new AccountCommand.Deposit(Money.euros("3")));

        assertThat(accounts.history("A1")).extracting(HistoryEntry::event, HistoryEntry::storedSchemaVersion)
                .containsExactly(
                        tuple(new AccountOpened("Ada", "EUR"), 1),
                        tuple(new Deposited(700, "EUR"), 1),
                        tuple(new Deposited(300, "EUR"), 2));
        assertThat(accounts.history("A1").getLast().after().balance()).isEqualTo(Money.euros("10.00"));
    }

    @Test
    void theSerializerWritesTodaysSchemaVersionInTheMetadata() {
        EventData data = accounts.serializer().serialize(new Deposited(1, "EUR"), EventMetadata.empty());
        assertThat(new String(data.metadata(), StandardCharsets.UTF_8)).contains("\"schemaVersion\":2");
    }
}
