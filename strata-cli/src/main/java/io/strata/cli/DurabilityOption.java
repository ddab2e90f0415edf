package io.strata.cli;

import io.strata.core.Durability;
import picocli.CommandLine.Option;

/** {@code --durability} for the commands that write. */
final class DurabilityOption {
    @Option(names = "--durability", paramLabel = "fsync|batched|none", defaultValue = "fsync",
            converter = Converters.DurabilityConverter.class,
            description = "What an acknowledged append means: fsync'd (default), fsync'd within a few ms (batched), or never (none, tests only).")
    private Durability durability;

    Durability durability() {
        return durability;
    }
}
