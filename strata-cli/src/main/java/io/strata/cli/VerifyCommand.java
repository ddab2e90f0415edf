package io.strata.cli;

import io.strata.client.Json;
import io.strata.core.CorruptedDataException;
import io.strata.storage.LogVerifier;
import io.strata.storage.VerifyReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code strata verify}: recomputes every record's checksum and the hash chain, without changing
 * the folder. Exit 0 when intact; exit 1 naming the first bad record otherwise.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the checksums and the hash chain of every record; exit 0 when intact, 1 naming the first bad record.",
                "Run it on a store no other process has open."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private GlobalOptions global;

    @Override
    public Integer call() throws IOException {
        global.requireLocal("verify works on a local folder (stop the server and use --db)");
        Path directory = global.db();
        Stores.requireStore(directory);
        Output output = Output.of(spec, global);
        VerifyReport report = LogVerifier.verify(directory, new Progress(output));
        ObjectNode json = Json.object();
        json.put("intact", report.intact());
        json.put("records", report.records());
        json.put("segments", report.segments());
        report.firstProblem().ifPresent(problem -> json.put("firstProblem", problem));
        if (report.intact()) {
            output.result(json, "intact: " + report.records() + (report.records() == 1 ? " record in " : " records in ") + report.segments()
                    + (report.segments() == 1 ? " segment" : " segments") + ", checksums and hash chain verified");
            return 0;
        }
        if (output.json()) {
            output.jsonLine(Json.line(json));
            output.flush();
        }
        throw new CorruptedDataException(report.firstProblem().get() + " (" + report.records() + " records checked)");
    }

    /** Reports the records checked about once a second, and only when verifying takes that long. */
    private static final class Progress implements LongConsumer {
        private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
        private final Output output;
        private long lastReport = System.nanoTime();

        Progress(Output output) {
            this.output = output;
        }

        @Override
        public void accept(long recordsChecked) {
            long now = System.nanoTime();
            if (now - lastReport >= INTERVAL_NANOS) {
                lastReport = now;
                output.note("verify: " + recordsChecked + " records checked...");
            }
        }
    }
}
