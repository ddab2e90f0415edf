package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class UsageTest {
    @TempDir
    Path dir;

    private final CliRunner strata = CliRunner.embedded();

    @Test
    void helpListsEveryCommandOfTheSpec() {
        CliRunner.Result result = strata.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("serve", "append", "read", "tail", "info", "verify", "bench", "groups");
    }

    @Test
    void noCommandIsBadUsage() {
        CliRunner.Result result = strata.run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("name a command");
    }

    @Test
    void anUnknownCommandOrFlagIsBadUsage() {
        CliRunner.Result command = strata.run("reed", "order-1");
        CliRunner.Result flag = strata.run("read", "order-1", "--colour", "--db", dir.toString());

        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).contains("unknown command 'reed'").contains("Did you mean: strata read?");
        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.err()).contains("--colour").contains("strata read --help");
    }

    @Test
    void groupsWithoutASubcommandIsBadUsage() {
        CliRunner.Result groups = strata.run("groups");

        assertThat(groups.exitCode()).isEqualTo(2);
        assertThat(groups.err()).contains("name a groups command: create, list, show, delete, parked or replay");
    }

    @Test
    void verifyAndBenchRefuseUrlAndTouchNoLocalFolder() {
        Path db = dir.resolve("store");

        CliRunner.Result verify = strata.run("verify", "--url", "http://127.0.0.1:7700", "--db", db.toString());
        CliRunner.Result bench = strata.run("bench", "W1", "--quick", "--url", "http://127.0.0.1:7700", "--db", db.toString());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).isEqualTo("unavailable: verify works on a local folder (stop the server and use --db)" + System.lineSeparator());
        assertThat(bench.exitCode()).isEqualTo(1);
        assertThat(bench.err()).startsWith("unavailable: bench starts its own server");
        assertThat(db).doesNotExist();
    }

    @Test
    void aFailureIsOneLineAndItsStackTraceComesOnlyWithVerbose() throws Exception {
        // A file where the store folder should be: the engine cannot open it.
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");

        CliRunner.Result quiet = strata.run("append", "order-1", "--type", "T", "--db", notAFolder.toString());
        CliRunner.Result verbose = strata.run("append", "order-1", "--type", "T", "--db", notAFolder.toString(), "--verbose");

        assertThat(quiet.exitCode()).isEqualTo(1);
        assertThat(quiet.err().lines()).singleElement().asString().startsWith("unavailable: ").contains(notAFolder.toString());
        assertThat(verbose.exitCode()).isEqualTo(1);
        assertThat(verbose.err()).startsWith(quiet.err()).contains("\tat ");
    }

    @Test
    void anUnexpectedFailureIsOneLineNamingItsKind() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = StrataCli.commandLine(new StrataCli(), new PrintWriter(new StringWriter()), new PrintWriter(err, true));

        int exitCode = new FailureHandler().handleExecutionException(new IllegalStateException("boom"), commandLine, null);

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString()).isEqualToIgnoringNewLines("error: IllegalStateException: boom (unexpected; --verbose shows the stack trace)");
    }
}
