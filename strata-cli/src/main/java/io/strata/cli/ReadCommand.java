package io.strata.cli;

import io.strata.core.AllSlice;
import io.strata.core.Direction;
import io.strata.core.EventStore;
import io.strata.core.ReadAllOptions;
import io.strata.core.ReadStreamOptions;
import io.strata.core.RecordedEvent;
import io.strata.core.StreamSlice;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata read STREAM | '$all'}: prints events, one per line, paging through the store. */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Read a stream, or the global log '$all', one event per line.")
final class ReadCommand implements Callable<Integer> {
    /** The engine answers at most what is asked; asking more than this per call only grows memory. */
    static final int PAGE_SIZE = 1000;

    @ParentCommand
    private StrataCli cli;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GlobalOptions global;

    @Mixin
    private FilterOptions filters;

    @Parameters(index = "0", paramLabel = "STREAM|$all", description = "A stream name, or '$all' for the global log (quote the $).")
    private String name;

    @Option(names = "--from", paramLabel = "X",
            description = "Where to start: a revision (stream) or position ($all), start or end. Default: start, or end with --backward.")
    private String from;

    @Option(names = "--backward", description = "Read from newest to oldest.")
    private boolean backward;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N events (default: ${DEFAULT-VALUE}).")
    private long limit;

    @Option(names = "--as-of", paramLabel = "TIME", converter = Converters.TimeConverter.class,
            description = "Only events recorded at or before this RFC 3339 time: the store as it was then known.")
    private Instant asOf;

    @Override
    public Integer call() {
        Source source = new Source(name);
        source.checkFilters(filters, spec);
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be 1 or more, got " + limit);
        }
        long start = from == null ? (backward ? ReadStreamOptions.END : ReadStreamOptions.START) : source.from(from, spec);
        Direction direction = backward ? Direction.BACKWARD : Direction.FORWARD;
        Output output = Output.of(spec, global);
        try (EventStore store = cli.stores().openExisting(global)) {
            PageReader reader = source.isAll()
                    ? (cursor, size) -> Slice.of(store.readAll(
                            new ReadAllOptions(cursor, direction, size, Optional.ofNullable(asOf), filters.filter())))
                    : (cursor, size) -> Slice.of(store.readStream(
                            name, new ReadStreamOptions(cursor, direction, size, Optional.ofNullable(asOf))));
            long printed = 0;
            OptionalLong next = OptionalLong.of(start);
            while (printed < limit && next.isPresent()) {
                // With $all filters a page may hold fewer events than asked without being the last:
                // `next` moves past everything scanned, so following it always makes progress.
                Slice slice = reader.read(next.getAsLong(), (int) Math.min(limit - printed, PAGE_SIZE));
                slice.events().forEach(output::event);
                printed += slice.events().size();
                next = slice.next();
            }
            output.flush();
            if (next.isPresent()) {
                output.note("(stopped at --limit " + limit + "; more may follow: continue with --from " + next.getAsLong() + ")");
            } else if (printed == 0 && !output.json()) {
                output.note("(no events)");
            }
        }
        return 0;
    }

    @FunctionalInterface
    private interface PageReader {
        Slice read(long from, int limit);
    }

    /** A page of either kind of read: its events and where the following page starts. */
    private record Slice(List<RecordedEvent> events, OptionalLong next) {
        static Slice of(StreamSlice slice) {
            return new Slice(slice.events(), slice.next());
        }

        static Slice of(AllSlice slice) {
            return new Slice(slice.events(), slice.next().map(p -> OptionalLong.of(p.value())).orElse(OptionalLong.empty()));
        }
    }
}
