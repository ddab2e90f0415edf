package io.strata.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.core.AppendResult;
import io.strata.core.ReadStreamOptions;
import io.strata.eventsourcing.CommandResult;
import io.strata.eventsourcing.LoadPoint;
import io.strata.eventsourcing.RevisionNotFoundException;
import io.strata.eventsourcing.snapshot.EventStoreSnapshotStore;
import io.strata.eventsourcing.snapshot.JsonSnapshotCodec;
import io.strata.eventsourcing.snapshot.Snapshot;
import io.strata.examples.bank.AccountCommand.Deposit;
import io.strata.examples.bank.AccountCommand.OpenAccount;
import io.strata.examples.bank.AccountCommand.Withdraw;
import io.strata.storage.EmbeddedEventStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write side over the real embedded engine: rejections, snapshots every N events, time travel. */
class AccountServiceTest {
    private static final int SNAPSHOT_EVERY = 5;
    private static final JsonSnapshotCodec<Account> CODEC = JsonSnapshotCodec.of(Account.class, AccountService.STATE_VERSION);

    @TempDir
    Path temp;
    private EmbeddedEventStore store;
    private AccountService accounts;
    private EventStoreSnapshotStore snapshots;

    @BeforeEach
    void open() {
        store = TestStores.open(temp);
        accounts = new AccountService(store, SNAPSHOT_EVERY);
        snapshots = new EventStoreSnapshotStore(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aRejectedCommandAppendsNothing() {
        accounts.handle("A1", new OpenAccount("Ada"));
        assertThatThrownBy(() -> accounts.handle("A1", new Withdraw(Money.euros("1.00"))))
                .isInstanceOf(AccountRejection.InsufficientFunds.class);
        assertThat(store.readStream("account-A1", ReadStreamOptions.forwards()).events()).hasSize(1);
    }

    @Test
    void aSnapshotIsSavedEachTimeNEventsFollowTheLastOne() {
        accounts.handle("A1", new OpenAccount("Ada"));
        for (int i = 1; i <= 11; i++) { // revisions 1..11
            accounts.handle("A1", new Deposit(Money.euros("1.00")));
        }
        // After revision 4 (5 events) and revision 9 (5 more); 11 is only 2 past the last one.
        assertThat(store.readStream(EventStoreSnapshotStore.snapshotStreamOf("account-A1"), ReadStreamOptions.forwards()).events())
                .hasSize(2);
        Snapshot latest = snapshots.latest("account-A1").orElseThrow();
        assertThat(latest.aggregateRevision()).isEqualTo(9);
        assertThat(CODEC.decode(latest.state())).isEqualTo(accounts.load("A1", LoadPoint.atRevision(9)).state());
    }

    @Test
    void aLoadStartsFromTheLatestSnapshotInsteadOfReplayingEverything() {
        accounts.handle("A1", new OpenAccount("Ada"));
        for (int i = 1; i <= 6; i++) {
            accounts.handle("A1", new Deposit(Money.euros("10.00")));
        }
        // Plant a snapshot at revision 5 that disagrees with the events: only a load that uses it can see it.
        Account planted = new Account(AccountStatus.OPEN, "Ada", "EUR", 1_000_000);
        snapshots.save(new Snapshot("account-A1", 5, AccountService.STATE_VERSION, CODEC.encode(planted)));

        assertThat(accounts.load("A1").state().balanceCents()).isEqualTo(1_000_000 + 1_000); // snapshot + revision 6
        // Time travel to before the snapshot replays the events and is not misled by it.
        assertThat(accounts.load("A1", LoadPoint.atRevision(4)).state().balanceCents()).isEqualTo(4_000);
    }

    @Test
    void aSnapshotOfAnotherStateVersionIsIgnored() {
        accounts.handle("A1", new OpenAccount("Ada"));
        accounts.handle("A1", new Deposit(Money.euros("10.00")));
        Account planted = new Account(AccountStatus.OPEN, "Ada", "EUR", 1_000_000);
        snapshots.save(new Snapshot("account-A1", 1, AccountService.STATE_VERSION + 1, CODEC.encode(planted)));

        assertThat(accounts.load("A1").state().balanceCents()).isEqualTo(1_000);
    }

    @Test
    void timeTravelGivesTheAccountAsItWasAtATimeOrARevision() {
        AppendResult opened = append("A1", new OpenAccount("Ada"));
        AppendResult firstDeposit = append("A1", new Deposit(Money.euros("100.00")));
        append("A1", new Deposit(Money.euros("50.00")));
        append("A1", new Withdraw(Money.euros("30.00")));

        var asOfFirstDeposit = accounts.load("A1", LoadPoint.asOf(firstDeposit.recordedTime()));
        assertThat(asOfFirstDeposit.revision()).isEqualTo(OptionalLong.of(1));
        assertThat(asOfFirstDeposit.state().balance()).isEqualTo(Money.euros("100.00"));

        Instant beforeOpening = opened.recordedTime().minusNanos(1_000); // recorded times have microsecond precision
        assertThat(accounts.load("A1", LoadPoint.asOf(beforeOpening)).exists()).isFalse();

        assertThat(accounts.load("A1", LoadPoint.atRevision(2)).state().balance()).isEqualTo(Money.euros("150.00"));
        assertThat(accounts.load("A1").state().balance()).isEqualTo(Money.euros("120.00"));
        assertThatThrownBy(() -> accounts.load("A1", LoadPoint.atRevision(4))).isInstanceOf(RevisionNotFoundException.class);
    }

    private AppendResult append(String account, AccountCommand command) {
        CommandResult<Account, AccountEvent> result = accounts.handle(account, command);
        return result.append().orElseThrow();
    }
}
