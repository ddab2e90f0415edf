package io.strata.cli;

import io.strata.core.EventStore;
import io.strata.core.StoreInfo;
import io.strata.server.WireJson;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata info}: what the store is and holds, as {@code GET /v1/info} tells it. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show what the store is and holds.")
final class InfoCommand implements Callable<Integer> {
    @ParentCommand
    private StrataCli cli;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GlobalOptions global;

    @Override
    public Integer call() {
        try (EventStore store = cli.stores().openExisting(global)) {
            StoreInfo info = store.info();
            Output.of(spec, global).result(WireJson.info(info), HumanFormat.info(info));
        }
        return 0;
    }
}
