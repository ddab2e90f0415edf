package io.strata.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.client.StrataClient;
import io.strata.core.Durability;
import io.strata.core.ExpectedRevision;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.server.ServerConfig;
import io.strata.server.StrataServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line end to end: against a real {@code strata serve} on a random port over gRPC (the
 * {@code --store grpc:} path) with the read model in a real PostgreSQL, and against the embedded
 * engine with the app's own demo PostgreSQL. Each {@link #bank} call is one run of the program.
 */
class BankAppEndToEndTest {
    private static TestPostgres postgres;

    @TempDir
    Path temp;
    private StrataServer server;
    private String jdbcUrl;

    @BeforeAll
    static void startPostgres() {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void startServer() {
        server = StrataServer.start(ServerConfig.builder(temp.resolve("server")).httpPort(0).grpcPort(0)
                .durability(Durability.NONE).build());
        jdbcUrl = postgres.freshDatabase().jdbcUrl();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void commandsAgainstStrataServeUpdateTheLogAndTheReadModel() {
        Run opened = againstServer("open", "A1", "Ada");
        assertThat(opened.status()).isEqualTo(BankApp.OK);
        assertThat(opened.out()).contains("A1: opened for Ada in EUR")
                .contains("read model: A1: OPEN, owner Ada, balance 0.00 EUR, version 0");

        assertThat(againstServer("deposit", "A1", "100.00").out()).contains("read model: A1: OPEN, owner Ada, balance 100.00 EUR, version 1");
        assertThat(againstServer("withdraw", "A1", "30.00").out()).contains("read model: A1: OPEN, owner Ada, balance 70.00 EUR, version 2");

        Run overdraft = againstServer("withdraw", "A1", "70.01");
        assertThat(overdraft.status()).isEqualTo(BankApp.REJECTED);
        assertThat(overdraft.err()).contains("rejected: insufficient funds: the balance is 70.00 EUR, the withdrawal 70.01 EUR");

        // The events are in the server's log, under their stored type names.
        try (StrataClient client = StrataClient.connect(server.grpcAddress())) {
            List<RecordedEvent> events = client.readStream("account-A1", ReadStreamOptions.forwards()).events();
            assertThat(events).extracting(RecordedEvent::type).containsExactly("AccountOpened", "Deposited", "Withdrawn");
            // Another writer (release 1 of the service, say) appends a v1 deposit; the next run catches up with it.
            client.append("account-A1", ExpectedRevision.exactly(2), List.of(FirstReleaseEvents.deposited(5)));
        }

        Run balance = againstServer("balance", "A1");
        assertThat(balance.out())
                .contains("the projection caught up with 1 event]") // from its checkpoint in PostgreSQL, not from the start
                .contains("A1: OPEN, owner Ada, balance 75.00 EUR, version 3");

        assertThat(againstServer("history", "A1").out())
                .contains("account-A1, 4 events")
                .contains("deposited 5.00 EUR (stored as v1)");
        assertThat(againstServer("history", "A1", "--at-revision", "1").out())
                .contains("A1 at revision 1 (2 events): OPEN, owner Ada, balance 100.00 EUR");
    }

    @Test
    void theDemoRunsOnTheEmbeddedEngineAndItsReadModelIsRebuiltFromTheLogOnTheNextRun() {
        String store = "embedded:" + temp.resolve("bank-data");
        Run demo = bank("--store", store, "demo");
        assertThat(demo.status()).as(demo.err()).isEqualTo(BankApp.OK);
        assertThat(demo.out())
                .contains("read back as Deposited[amountCents=2500, currency=EUR] (schema v1 on disk, upcast on read)")
                .contains("rejected: insufficient funds")
                .contains("latest snapshot of account-alice-1: revision 9")
                .containsPattern("alice-1 +Alice +OPEN +195.00 EUR +11")
                .containsPattern("bob-1 +Bob +CLOSED +0.00 EUR +3");

        // No --jdbc: a new temporary PostgreSQL, filled again from the log (16 account events).
        Run balances = bank("--store", store, "balance");
        assertThat(balances.out())
                .contains("the projection caught up with 16 events]")
                .containsPattern("alice-1 +Alice +OPEN +195.00 EUR +11");
    }

    @Test
    void anUnreachableServerIsReportedNotRetriedForever() {
        int unusedPort = server.grpcPort();
        server.close();
        Run run = bank("--store", "grpc:127.0.0.1:" + unusedPort, "--jdbc", jdbcUrl, "balance");
        assertThat(run.status()).isEqualTo(BankApp.FAILED);
        assertThat(run.err()).contains("error: ").contains("127.0.0.1:" + unusedPort);
    }

    private Run againstServer(String... command) {
        String[] args = new String[4 + command.length];
        args[0] = "--store";
        args[1] = "grpc:" + server.grpcAddress();
        args[2] = "--jdbc";
        args[3] = jdbcUrl;
        System.arraycopy(command, 0, args, 4, command.length);
        return bank(args);
    }

    private static Run bank(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BankApp.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int status, String out, String err) {
    }
}
