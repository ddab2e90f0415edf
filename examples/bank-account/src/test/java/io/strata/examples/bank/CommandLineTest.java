package io.strata.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.eventsourcing.LoadPoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing the command line, which happens before any store or database is opened. */
class CommandLineTest {

    @Test
    void defaultsToTheEmbeddedStoreInBankDataAndATemporaryPostgres() {
        BankOptions options = BankOptions.parse("balance");
        assertThat(options.store()).isEqualTo(new StoreAddress.Embedded(Path.of("bank-data")));
        assertThat(options.jdbcUrl()).isEmpty();
        assertThat(options.snapshotEvery()).isEqualTo(BankOptions.DEFAULT_SNAPSHOT_EVERY);
    }

    @Test
    void readsTheStoreTheDatabaseAndTheCommand() {
        BankOptions options = BankOptions.parse("--store", "grpc:127.0.0.1:7701", "--jdbc", "jdbc:postgresql://db/bank",
                "--snapshot-every", "3", "deposit", "A1", "100.00");
        assertThat(options.store()).isEqualTo(new StoreAddress.Remote("127.0.0.1:7701"));
        assertThat(options.jdbcUrl()).contains("jdbc:postgresql://db/bank");
        assertThat(options.snapshotEvery()).isEqualTo(3);
        assertThat(CliCommand.parse(options.commandName(), options.arguments()))
                .isEqualTo(new CliCommand.Handle("A1", new AccountCommand.Deposit(Money.euros("100.00"))));
    }

    @Test
    void parsesTimeTravel() {
        assertThat(CliCommand.parse("history", List.of("A1", "--at-revision", "3")))
                .isEqualTo(new CliCommand.History("A1", Optional.of(LoadPoint.atRevision(3))));
        assertThat(CliCommand.parse("history", List.of("A1", "--as-of", "2026-11-30T10:15:30Z")))
                .isEqualTo(new CliCommand.History("A1", Optional.of(LoadPoint.asOf(Instant.parse("2026-11-30T10:15:30Z")))));
    }

    @Test
    void aWrongCommandLineIsExplainedBeforeAnythingIsOpened(@TempDir Path temp) {
        Path store = temp.resolve("bank-data");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BankApp.run(new String[] {"--store", "embedded:" + store, "deposit", "A1", "12.345"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(BankApp.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("at most two decimals").contains("usage:");
        assertThat(store).as("the store, had it been opened").doesNotExist();
    }

    @Test
    void wrongCommandLinesAreUsageErrors() {
        assertThatThrownBy(() -> BankOptions.parse("--store", "postgres:x", "balance")).isInstanceOf(UsageException.class)
                .hasMessageContaining("embedded:DIR or grpc:HOST:PORT");
        assertThatThrownBy(() -> BankOptions.parse("--store", "grpc:nohost", "balance")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> BankOptions.parse("--snapshot-every", "0", "balance")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> BankOptions.parse("--jdbc")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> BankOptions.parse()).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> CliCommand.parse("deposit", List.of("A1"))).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> CliCommand.parse("history", List.of("A1", "--at-revision", "-1"))).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> CliCommand.parse("transfer", List.of())).isInstanceOf(UsageException.class);
    }
}
