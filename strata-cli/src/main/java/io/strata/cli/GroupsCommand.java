package io.strata.cli;

import io.strata.core.ErrorCode;
import io.strata.core.StrataException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strata groups}: consumer groups are not built yet; the command says so and exits 1. */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = "Manage consumer groups: create|list|show|delete|parked|replay (consumer groups are not built yet).")
final class GroupsCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "create|list|show|delete|parked|replay and their arguments.")
    private List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        throw new StrataException(ErrorCode.UNAVAILABLE, "strata groups needs consumer groups, which are not built yet");
    }
}
