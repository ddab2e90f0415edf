package io.strata.cli;

import io.strata.client.Json;
import io.strata.core.AppendResult;
import io.strata.core.EventData;
import io.strata.core.EventStore;
import io.strata.core.ExpectedRevision;
import io.strata.core.InvalidRequestException;
import io.strata.core.StreamNames;
import io.strata.server.WireJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code strata append STREAM --type TYPE ...}: appends one event, creating the store if needed. */
@Command(name = "append", mixinStandardHelpOptions = true,
        description = "Append one event to a stream (the store folder is created when missing).")
final class AppendCommand implements Callable<Integer> {
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    @ParentCommand
    private StrataCli cli;

    @Spec
    private CommandSpec spec;

    @Mixin
    private GlobalOptions global;

    @Mixin
    private DurabilityOption durability;

    @Parameters(index = "0", paramLabel = "STREAM", description = "The stream to append to, e.g. order-42.")
    private String stream;

    @Parameters(index = "1", arity = "0..1", paramLabel = "-", description = "Read the data from standard input.")
    private String stdinMarker;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "The event type, e.g. OrderPlaced.")
    private String type;

    @Option(names = "--data", paramLabel = "JSON", description = "The event's data (default: {}).")
    private String data;

    @Option(names = "--file", paramLabel = "PATH", description = "Read the event's data from this file.")
    private Path file;

    @Option(names = "--content-type", paramLabel = "TYPE", defaultValue = "application/json",
            description = "The data's media type (default: ${DEFAULT-VALUE}); only JSON data is checked.")
    private String contentType;

    @Option(names = "--id", paramLabel = "UUID", converter = Converters.UuidConverter.class,
            description = "The event id; appending the same id again returns the first result and writes nothing.")
    private UUID id;

    @Option(names = "--expected-revision", paramLabel = "any|no_stream|exists|N", defaultValue = "any",
            converter = Converters.ExpectedRevisionConverter.class,
            description = "Append only if the stream's last revision is this (default: ${DEFAULT-VALUE}).")
    private ExpectedRevision expectedRevision;

    @Option(names = "--metadata", paramLabel = "JSON", description = "Metadata, a JSON object: {\"traceId\":\"t1\"}.")
    private String metadata;

    @Option(names = "--valid-time", paramLabel = "RFC3339", converter = Converters.TimeConverter.class,
            description = "When the fact became true in the domain, for retroactive events.")
    private Instant validTime;

    @Override
    public Integer call() {
        // Everything about the request is checked before the store is opened, so that a bad
        // request neither creates a store folder nor waits for recovery.
        StreamNames.checkWritableStream(stream);
        StreamNames.checkType(type);
        EventData event = event();
        try (EventStore store = cli.stores().openOrCreate(global, durability.durability())) {
            AppendResult result = store.append(stream, expectedRevision, List.of(event));
            Output.of(spec, global).result(WireJson.appendResult(result), HumanFormat.appendResult(result));
        }
        return 0;
    }

    private EventData event() {
        EventData.Builder event = EventData.builder(type).data(data()).contentType(contentType);
        if (id != null) {
            event.id(id);
        }
        if (metadata != null) {
            JsonNode parsed = Json.parse("--metadata", metadata.getBytes(StandardCharsets.UTF_8));
            if (!parsed.isObject()) {
                throw new InvalidRequestException("--metadata must be a JSON object, such as {\"correlationId\":\"c-1\"}");
            }
            event.metadata(Json.compact(parsed));
        }
        if (validTime != null) {
            event.validTime(validTime);
        }
        return event.build();
    }

    /** The payload from exactly one of --data, --file and -, stored compact when it is JSON. */
    private byte[] data() {
        if (stdinMarker != null && !"-".equals(stdinMarker)) {
            throw new ParameterException(spec.commandLine(), "unexpected argument '" + stdinMarker
                    + "': after STREAM only '-' (data from standard input) may follow");
        }
        int sources = (data != null ? 1 : 0) + (file != null ? 1 : 0) + (stdinMarker != null ? 1 : 0);
        if (sources > 1) {
            throw new ParameterException(spec.commandLine(), "give the data one way only: --data, --file or -");
        }
        if (sources == 0) {
            return EventData.JSON.equals(contentType) ? EMPTY_OBJECT : new byte[0];
        }
        String what = data != null ? "--data" : file != null ? "--file " + file : "standard input";
        byte[] bytes = data != null ? data.getBytes(StandardCharsets.UTF_8) : file != null ? readFile() : readStdin();
        return EventData.JSON.equals(contentType) ? Json.compact(Json.parse("the data (" + what + ")", bytes)) : bytes;
    }

    private byte[] readFile() {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidRequestException("cannot read --file " + file + ": no such file");
        } catch (IOException e) {
            throw new InvalidRequestException("cannot read --file " + file + ": " + e.getMessage());
        }
    }

    private byte[] readStdin() {
        try {
            return cli.stdin().readAllBytes();
        } catch (IOException e) {
            throw new InvalidRequestException("cannot read standard input: " + e.getMessage());
        }
    }
}
