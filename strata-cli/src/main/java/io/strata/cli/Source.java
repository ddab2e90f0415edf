package io.strata.cli;

import io.strata.core.InvalidRequestException;
import io.strata.core.Position;
import io.strata.core.ReadStreamOptions;
import io.strata.core.StreamNames;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What {@code read} and {@code tail} look at: one stream, or the global log {@code $all}, and how
 * they understand {@code --from} for it.
 */
record Source(String name) {

    boolean isAll() {
        return StreamNames.ALL.equals(name);
    }

    /**
     * {@code --from} as a number for the engine: {@code start}, {@code end}, or a revision (stream)
     * or position token ($all). The engine uses the same START/END values for both.
     *
     * @throws ParameterException when {@code text} is none of these (bad usage)
     */
    long from(String text, CommandSpec spec) {
        if ("start".equals(text)) {
            return ReadStreamOptions.START;
        }
        if ("end".equals(text)) {
            return ReadStreamOptions.END;
        }
        if (isAll()) {
            try {
                return Position.parse(text).value();
            } catch (InvalidRequestException e) {
                throw new ParameterException(spec.commandLine(),
                        "--from for $all is start, end or a position token, got '" + text + "'");
            }
        }
        try {
            long revision = Long.parseLong(text);
            if (revision >= 0) {
                return revision;
            }
        } catch (NumberFormatException e) {
            // reported below, with the other bad values
        }
        throw new ParameterException(spec.commandLine(),
                "--from for a stream is start, end or a revision (0 or more), got '" + text + "'");
    }

    /** Filters narrow $all; a stream is read whole, so asking to filter one is a mistake. */
    void checkFilters(FilterOptions filters, CommandSpec spec) {
        if (!isAll() && filters.any()) {
            throw new ParameterException(spec.commandLine(),
                    "--type, --category and --stream-prefix filter '$all' only; '" + name + "' is a stream");
        }
    }
}
