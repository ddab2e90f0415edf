package io.strata.server.groups;

import io.strata.core.CorruptedDataException;
import io.strata.core.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The files of one consumer group, in {@code <data>/groups/<name>/}:
 *
 * <pre>
 *  settings.json     {"version":1, "name", "createdAt", "settings":{…PUT body…}}   written once
 *  checkpoint.json   {"version":1, "position":P, "revision":R}                      replaced atomically
 *  parked.json       {"version":1, "messages":[{"position", "stream", "revision",
 *                      "deliveryCount", "reason", "parkedAt"}]}                       replaced atomically
 * </pre>
 *
 * A group comes into existence by the rename of a complete staging folder, so a group folder always
 * has its settings and a checkpoint. Every replacement is write-temp, fsync, rename, fsync folder
 * ({@link AtomicFiles}): a crash leaves the previous good file. Not thread-safe: the group serialises
 * its writes.
 */
final class GroupFiles {
    static final String SETTINGS = "settings.json";
    static final String CHECKPOINT = "checkpoint.json";
    static final String PARKED = "parked.json";
    static final String STAGING_PREFIX = ".creating-";
    static final String DELETING_PREFIX = ".deleting-";
    private static final int VERSION = 1;

    private final Path directory;

    private GroupFiles(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /** What a group folder holds. */
    record Stored(GroupFiles files, GroupSettings settings, Checkpoint checkpoint, List<ParkedRecord> parked) {
    }

    /** Creates the folder of a new group, complete, in one atomic rename. */
    static GroupFiles create(Path groupsDirectory, String name, GroupSettings settings, Checkpoint start) throws IOException {
        Path staging = groupsDirectory.resolve(STAGING_PREFIX + name + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Files.createDirectories(staging);
        try {
            ObjectNode json = GroupSettingsJson.MAPPER.createObjectNode();
            json.put("version", VERSION);
            json.put("name", name);
            json.put("createdAt", Instant.now().toString());
            json.set("settings", GroupSettingsJson.toJson(settings));
            AtomicFiles.write(staging.resolve(SETTINGS), GroupSettingsJson.MAPPER.writeValueAsBytes(json));
            new GroupFiles(staging).writeCheckpoint(start);
            Path target = groupsDirectory.resolve(name);
            AtomicFiles.moveDirectory(staging, target);
            return new GroupFiles(target);
        } catch (IOException | RuntimeException e) {
            try {
                AtomicFiles.deleteRecursively(staging);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed); // the next open removes it
            }
            throw e;
        }
    }

    /** Reads a group folder; stray temp files of an interrupted write are removed. */
    static Stored load(Path directory) throws IOException {
        AtomicFiles.removeTempFiles(directory);
        GroupFiles files = new GroupFiles(directory);
        JsonNode settingsFile = files.read(SETTINGS, true);
        String name = settingsFile.path("name").asString("");
        if (!name.equals(directory.getFileName().toString())) {
            throw files.corrupted(SETTINGS, "it names the group '" + name + "'", null);
        }
        GroupSettings settings;
        try {
            settings = GroupSettingsJson.fromJson(settingsFile.get("settings"));
        } catch (StrataException e) {
            throw files.corrupted(SETTINGS, e.getMessage(), e);
        }
        JsonNode checkpointFile = files.read(CHECKPOINT, true);
        Checkpoint checkpoint;
        try {
            checkpoint = new Checkpoint(checkpointFile.get("position").longValue(), checkpointFile.get("revision").longValue());
        } catch (RuntimeException e) {
            throw files.corrupted(CHECKPOINT, "no valid position and revision", e);
        }
        List<ParkedRecord> parked = new ArrayList<>();
        JsonNode parkedFile = files.read(PARKED, false);
        if (parkedFile != null) {
            try {
                for (JsonNode m : parkedFile.get("messages").values()) {
                    parked.add(new ParkedRecord(m.get("position").longValue(), m.get("stream").stringValue(),
                            m.get("revision").longValue(), m.get("deliveryCount").intValue(),
                            ParkReason.parse(m.get("reason").stringValue()), Instant.parse(m.get("parkedAt").stringValue())));
                }
            } catch (RuntimeException e) {
                throw files.corrupted(PARKED, "a message is not valid", e);
            }
        }
        return new Stored(files, settings, checkpoint, parked);
    }

    void writeCheckpoint(Checkpoint checkpoint) throws IOException {
        ObjectNode json = GroupSettingsJson.MAPPER.createObjectNode();
        json.put("version", VERSION);
        json.put("position", checkpoint.position());
        json.put("revision", checkpoint.revision());
        AtomicFiles.write(directory.resolve(CHECKPOINT), GroupSettingsJson.MAPPER.writeValueAsBytes(json));
    }

    void writeParked(List<ParkedRecord> parked) throws IOException {
        ObjectNode json = GroupSettingsJson.MAPPER.createObjectNode();
        json.put("version", VERSION);
        ArrayNode messages = json.putArray("messages");
        for (ParkedRecord record : parked) {
            ObjectNode m = messages.addObject();
            m.put("position", record.position());
            m.put("stream", record.stream());
            m.put("revision", record.revision());
            m.put("deliveryCount", record.deliveryCount());
            m.put("reason", record.reason().wireName());
            m.put("parkedAt", record.parkedAt().toString());
        }
        AtomicFiles.write(directory.resolve(PARKED), GroupSettingsJson.MAPPER.writeValueAsBytes(json));
    }

    /**
     * Removes the group's folder: first renamed out of the way atomically (a crash after that leaves a
     * {@code .deleting-} folder, removed at the next open, never a half-deleted group), then deleted.
     */
    void delete() throws IOException {
        Path doomed = directory.resolveSibling(DELETING_PREFIX + directory.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        AtomicFiles.moveDirectory(directory, doomed);
        AtomicFiles.deleteRecursively(doomed);
    }

    /** The JSON of {@code file}; null when it is absent and not {@code required}. */
    private JsonNode read(String file, boolean required) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(directory.resolve(file));
        } catch (NoSuchFileException e) {
            if (required) {
                throw corrupted(file, "it is missing", e);
            }
            return null;
        }
        try {
            JsonNode json = GroupSettingsJson.MAPPER.readTree(bytes);
            if (json == null || !json.isObject() || json.path("version").intValue(0) != VERSION) {
                throw corrupted(file, "it is not a version " + VERSION + " JSON object", null);
            }
            return json;
        } catch (JacksonException e) {
            throw corrupted(file, "it is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private CorruptedDataException corrupted(String file, String why, Throwable cause) {
        return new CorruptedDataException("consumer group file " + directory.resolve(file) + " cannot be used: " + why
                + " (delete the group's folder to drop the group)", cause);
    }
}
