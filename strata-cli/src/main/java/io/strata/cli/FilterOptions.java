package io.strata.cli;

import io.strata.core.EventFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Option;

/** The {@code $all} filters of {@code read} and {@code tail}. */
final class FilterOptions {
    @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "$all only: keep events of this type (repeat it or give a comma list).")
    private List<String> types = new ArrayList<>();

    @Option(names = "--category", paramLabel = "C", description = "$all only: keep streams of this category (the name before its first '-').")
    private String category;

    @Option(names = "--stream-prefix", paramLabel = "P", description = "$all only: keep streams whose name starts with P.")
    private String streamPrefix;

    boolean any() {
        return !types.isEmpty() || category != null || streamPrefix != null;
    }

    EventFilter filter() {
        return new EventFilter(Set.copyOf(types), Optional.ofNullable(category), Optional.ofNullable(streamPrefix));
    }
}
