package io.strata.examples.bank;

import io.strata.core.EventStore;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamNotFoundException;
import io.strata.core.StreamSlice;
import io.strata.eventsourcing.AggregateRepository;
import io.strata.eventsourcing.CommandContext;
import io.strata.eventsourcing.CommandResult;
import io.strata.eventsourcing.LoadPoint;
import io.strata.eventsourcing.LoadedAggregate;
import io.strata.eventsourcing.serialization.DecodedEvent;
import io.strata.eventsourcing.serialization.EventSerializer;
import io.strata.eventsourcing.snapshot.JsonSnapshotCodec;
import io.strata.eventsourcing.snapshot.SnapshotPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The write side: accounts as streams {@code account-<id>} in any {@link EventStore} (embedded or a
 * {@code strata serve} over gRPC: the code cannot tell), through an {@link AggregateRepository} that
 * loads, decides, appends with the expected revision and retries on conflicts. Thread-safe.
 *
 * <pre>
 *   handle(id, command) ─▶ load account-id (latest snapshot + events after it) ─▶ AccountDecider
 *                       ─▶ append(account-id, expected revision, events) ─▶ snapshot every N events
 * </pre>
 */
public final class AccountService {
    /** The stream category: account {@code A1} is the stream {@code account-A1}. */
    public static final String CATEGORY = "account";
    /**
     * The version of {@link Account}'s JSON in snapshots. Raise it when {@link Account} changes shape:
     * older snapshots are then ignored (the events are replayed) and replaced by the next command.
     */
    public static final int STATE_VERSION = 1;

    private final EventStore store;
    private final int snapshotEvery;
    private final EventSerializer serializer;
    private final AccountDecider decider = new AccountDecider();
    private final AggregateRepository<AccountCommand, Account, AccountEvent> accounts;

    /**
     * @param snapshotEvery save a snapshot once this many events follow the last one; a load then folds
     *                      fewer than this many events, however long the account's history
     */
    public AccountService(EventStore store, int snapshotEvery) {
        this.store = Objects.requireNonNull(store, "store");
        this.snapshotEvery = snapshotEvery;
        this.serializer = AccountEventTypes.serializer();
        this.accounts = AggregateRepository.builder(store, CATEGORY, decider, serializer)
                .snapshots(SnapshotPolicy.every(snapshotEvery), JsonSnapshotCodec.of(Account.class, STATE_VERSION))
                .build();
    }

    public int snapshotEvery() {
        return snapshotEvery;
    }

    public EventSerializer serializer() {
        return serializer;
    }

    /** The account's stream, {@code account-<id>}. */
    public String streamOf(String accountId) {
        return accounts.streamOf(accountId);
    }

    /**
     * Decides {@code command} against the account's latest state and appends what it decided.
     *
     * @throws AccountRejection the bank's rules refuse it; nothing was appended
     */
    public CommandResult<Account, AccountEvent> handle(String accountId, AccountCommand command) {
        return accounts.handle(accountId, command, CommandContext.create());
    }

    public LoadedAggregate<Account> load(String accountId) {
        return accounts.load(accountId);
    }

    /**
     * The account at {@code point}: {@link LoadPoint#asOf} a time or {@link LoadPoint#atRevision} a
     * revision (time travel; snapshots after that point are not used).
     *
     * @throws io.strata.eventsourcing.RevisionNotFoundException the account has not reached that revision
     */
    public LoadedAggregate<Account> load(String accountId, LoadPoint point) {
        return accounts.load(accountId, point);
    }

    /** Every event of the account, decoded (and upcast) as today's code reads it, with the state after each; empty when it has none. */
    public List<HistoryEntry> history(String accountId) {
        String stream = streamOf(accountId);
        List<HistoryEntry> history = new ArrayList<>();
        Account account = decider.initialState();
        ReadStreamOptions page = ReadStreamOptions.forwards().limit(500);
        while (true) {
            StreamSlice slice;
            try {
                slice = store.readStream(stream, page);
            } catch (StreamNotFoundException e) {
                return history;
            }
            for (RecordedEvent recorded : slice.events()) {
                DecodedEvent decoded = serializer.deserialize(recorded);
                AccountEvent event = decoded.payloadAs(AccountEvent.class);
                account = decider.evolve(account, event);
                history.add(new HistoryEntry(recorded.revision(), recorded.recordedTime(), event,
                        decoded.storedSchemaVersion(), account));
            }
            if (slice.next().isEmpty()) {
                return history;
            }
            page = page.from(slice.next().getAsLong());
        }
    }
}
