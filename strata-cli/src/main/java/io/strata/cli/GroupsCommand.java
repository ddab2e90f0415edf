package io.strata.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code strata groups}: consumer groups live in the server, which is not built yet. */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = "Manage consumer groups: create|list|show|delete|parked|replay (needs the server module: not built yet).")
final class GroupsCommand implements Callable<Integer> {
    @Mixin
    private GlobalOptions global;

    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "create|list|show|delete|parked|replay and their arguments.")
    private List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        throw ServerModule.missing("strata groups");
    }
}
