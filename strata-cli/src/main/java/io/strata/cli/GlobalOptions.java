package io.strata.cli;

import io.strata.core.ErrorCode;
import io.strata.core.StrataException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The flags every command takes (spec/cli.md), mixed into each one. */
final class GlobalOptions {
    static final Path DEFAULT_DB = Path.of("./data");

    @Option(names = "--db", paramLabel = "DIR", description = "The store's data folder (default: ./data).")
    private Path db;

    @Option(names = "--url", paramLabel = "URL",
            description = "Talk to a running server instead of a local folder, e.g. http://127.0.0.1:7700 (--db is then not used).")
    private String url;

    @Option(names = "--json", description = "Machine-readable output: one JSON object per line, events in the HTTP API's format.")
    private boolean json;

    @Option(names = "--verbose", description = "Print the stack trace of a failure.")
    private boolean verbose;

    Path db() {
        return db == null ? DEFAULT_DB : db;
    }

    /** The folder, only when the user named one: commands that do not need a store ask this. */
    Optional<Path> explicitDb() {
        return Optional.ofNullable(db);
    }

    Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /** Throws {@code unavailable} when {@code --url} was given to a command that works on a local folder only. */
    void requireLocal(String why) {
        if (url != null) {
            throw new StrataException(ErrorCode.UNAVAILABLE, why);
        }
    }

    boolean json() {
        return json;
    }

    boolean verbose() {
        return verbose;
    }
}
