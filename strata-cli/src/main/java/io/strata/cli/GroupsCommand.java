package io.strata.cli;

import io.strata.client.Json;
import io.strata.core.InvalidRequestException;
import io.strata.server.groups.ConsumerGroup;
import io.strata.server.groups.GroupSettingsJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code strata groups create|list|show|delete|parked|replay}: consumer groups, on the server of
 * {@code --url} (over the HTTP API) or in the local folder of {@code --db} when no server runs on it.
 * Consuming (fetch, ack, nack) is for services, over the API, not for this command.
 *
 * <pre>
 *   groups &lt;sub&gt; ──► GroupsBackend ──► RemoteGroups ──► HttpGroupsClient ──► server   (--url)
 *                                   └──► LocalGroups ──► store + ConsumerGroups     (--db)
 *   answers: the HTTP API's JSON ──► --json: as is, one object per line; else GroupsFormat
 * </pre>
 */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = "Manage consumer groups: create, list, show, delete, parked, replay.",
        subcommands = {GroupsCommand.Create.class, GroupsCommand.ListGroups.class, GroupsCommand.Show.class,
                GroupsCommand.Delete.class, GroupsCommand.Parked.class, GroupsCommand.Replay.class})
final class GroupsCommand implements Runnable {
    @ParentCommand
    private StrataCli cli;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a groups command: create, list, show, delete, parked or replay");
    }

    /** The groups the command works on: the server of {@code --url}, else the local folder of {@code --db}. */
    GroupsBackend open(GlobalOptions global, boolean createStore) {
        return global.url().<GroupsBackend>map(RemoteGroups::connect)
                .orElseGet(() -> LocalGroups.open(cli.stores(), global.db(), createStore));
    }

    /** What every subcommand has: its parent, its spec, the global flags. */
    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        GroupsCommand groups;

        @Spec
        CommandSpec spec;

        @Mixin
        GlobalOptions global;

        Output output() {
            return Output.of(spec, global);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a consumer group over one stream or the global log; with the same settings again, "
                    + "find the existing one (different settings: group_exists).")
    static final class Create extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP", description = "1 to 128 letters, digits, '.', '_' or '-'.")
        private String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        private SourceFlags source;

        static final class SourceFlags {
            @Option(names = "--stream", paramLabel = "STREAM", required = true, description = "Consume one stream.")
            private String stream;

            @Option(names = "--all", required = true, description = "Consume the global log, optionally filtered.")
            private boolean all;
        }

        @Option(names = "--type", paramLabel = "TYPE", split = ",", description = "With --all: only events of this type (repeat it or give a comma list).")
        private List<String> types = new ArrayList<>();

        @Option(names = "--category", paramLabel = "C", description = "With --all: only streams of this category.")
        private String category;

        @Option(names = {"--prefix", "--stream-prefix"}, paramLabel = "P", description = "With --all: only streams whose name starts with P.")
        private String prefix;

        @Option(names = "--from", paramLabel = "start|end|POSITION", description = "Where the group starts (default: end, only new events).")
        private String from;

        @Option(names = "--ordering", paramLabel = "per-stream|none",
                description = "per-stream (default): each stream in order, one message in flight per stream; none: any order.")
        private String ordering;

        @Option(names = "--max-deliveries", paramLabel = "N", description = "Deliveries before a message is parked, 1 to 1000 (default 5).")
        private Integer maxDeliveries;

        @Option(names = "--ack-timeout", paramLabel = "DURATION",
                description = "ISO-8601, e.g. PT30S (the default): unacked messages are delivered again after it.")
        private String ackTimeout;

        @Override
        public Integer call() {
            JsonNode settings = settings();
            try (GroupsBackend backend = groups.open(global, true)) {
                GroupsBackend.Created creation = backend.create(name, settings);
                ObjectNode json = ((ObjectNode) creation.group().deepCopy()).put("created", creation.created());
                output().result(json, GroupsFormat.created(creation));
            }
            return 0;
        }

        /** The flags as the body of {@code PUT /v1/groups/{group}}, checked here so that a bad flag is bad usage. */
        private JsonNode settings() {
            boolean filtered = !types.isEmpty() || category != null || prefix != null;
            if (filtered && !source.all) {
                throw new ParameterException(spec.commandLine(), "--type, --category and --prefix filter the global log: use them with --all");
            }
            ObjectNode settings = Json.object();
            ObjectNode sourceJson = settings.putObject("source");
            if (source.all) {
                ObjectNode filter = sourceJson.putObject("all");
                if (!types.isEmpty()) {
                    ArrayNode array = filter.putArray("type");
                    types.forEach(array::add);
                }
                if (category != null) {
                    filter.put("category", category);
                }
                if (prefix != null) {
                    filter.put("streamPrefix", prefix);
                }
            } else {
                sourceJson.put("stream", source.stream);
            }
            if (from != null) {
                settings.put("from", from);
            }
            if (ordering != null) {
                settings.put("ordering", ordering);
            }
            if (maxDeliveries != null) {
                settings.put("maxDeliveries", maxDeliveries);
            }
            if (ackTimeout != null) {
                settings.put("ackTimeout", ackTimeout);
            }
            try {
                GroupSettingsJson.fromJson(settings);
            } catch (InvalidRequestException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            return settings;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the consumer groups: source, checkpoint, lag, in flight, parked, consumers.")
    static final class ListGroups extends Sub {
        @Override
        public Integer call() {
            Output output = output();
            try (GroupsBackend backend = groups.open(global, false)) {
                List<JsonNode> all = backend.list();
                if (output.json()) {
                    all.forEach(group -> output.jsonLine(Json.line(group)));
                } else if (all.isEmpty()) {
                    output.note("(no groups)");
                } else {
                    output.result(null, GroupsFormat.table(all));
                }
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one consumer group with its settings.")
    static final class Show extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP")
        private String name;

        @Override
        public Integer call() {
            try (GroupsBackend backend = groups.open(global, false)) {
                JsonNode group = backend.show(name);
                output().result(group, GroupsFormat.group(group));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a consumer group: its checkpoint and parked messages are gone.")
    static final class Delete extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP")
        private String name;

        @Override
        public Integer call() {
            try (GroupsBackend backend = groups.open(global, false)) {
                backend.delete(name);
                output().result(Json.object().put("deleted", name), "deleted group " + name);
            }
            return 0;
        }
    }

    @Command(name = "parked", mixinStandardHelpOptions = true, description = "List a group's parked messages, oldest first, one per line.")
    static final class Parked extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP")
        private String name;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N messages, 1 to 10000 (default: ${DEFAULT-VALUE}).")
        private int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > ConsumerGroup.MAX_PARKED_LIMIT) {
                throw new ParameterException(spec.commandLine(), "--limit must be from 1 to " + ConsumerGroup.MAX_PARKED_LIMIT + ", got " + limit);
            }
            Output output = output();
            try (GroupsBackend backend = groups.open(global, false)) {
                List<JsonNode> parked = backend.parked(name, limit);
                for (JsonNode message : parked) {
                    output.result(message, GroupsFormat.parked(message));
                }
                if (parked.isEmpty() && !output.json()) {
                    output.note("(no parked messages)");
                }
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Deliver a group's parked messages again (a running server's consumers get them; needs --url).")
    static final class Replay extends Sub {
        @Parameters(index = "0", paramLabel = "GROUP")
        private String name;

        @Override
        public Integer call() {
            try (GroupsBackend backend = groups.open(global, false)) {
                int replayed = backend.replay(name);
                output().result(Json.object().put("replayed", replayed),
                        "queued " + replayed + " parked message" + (replayed == 1 ? "" : "s") + " of group " + name + " for delivery");
            }
            return 0;
        }
    }
}
