package io.strata.cli;

import io.strata.client.Json;
import io.strata.core.RecordedEvent;
import io.strata.server.WireJson;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;

/**
 * Where a command writes: results on standard output, in the form {@code --json} chose; notes for
 * people (progress, hints, "caught up") on standard error, so that standard output stays parseable.
 *
 * <p>Thread-safe: {@link PrintWriter} locks per call, and {@code tail} prints from the store's
 * delivery thread.
 */
final class Output {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    private Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    static Output of(CommandSpec spec, GlobalOptions global) {
        return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), global.json());
    }

    boolean json() {
        return json;
    }

    void event(RecordedEvent event) {
        out.println(json ? Json.line(WireJson.event(event)) : HumanFormat.event(event));
    }

    /** A result in one of its two forms. */
    void result(JsonNode jsonForm, String humanForm) {
        out.println(json ? Json.line(jsonForm) : humanForm);
    }

    /** A JSON line on standard output, whatever the mode (for commands whose output is JSON). */
    void jsonLine(String line) {
        out.println(line);
    }

    /** A note for people, on standard error. */
    void note(String text) {
        err.println(text);
        err.flush();
    }

    void flush() {
        out.flush();
    }
}
