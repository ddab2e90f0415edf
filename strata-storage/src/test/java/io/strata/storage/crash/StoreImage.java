package io.strata.storage.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The bytes of every file of a store folder (but its LOCK), held in memory so that hundreds of
 * damaged variants can be written out to fresh folders cheaply. Taken while the store is open it
 * is what a crash would leave behind (no clean-close checkpoint).
 */
final class StoreImage {
    private final Map<String, byte[]> files;

    private StoreImage(Map<String, byte[]> files) {
        this.files = files;
    }

    static StoreImage capture(Path directory) {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String name = directory.relativize(p).toString();
                if (!name.equals("LOCK")) {
                    files.put(name, Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StoreImage(files);
    }

    byte[] file(String name) {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new IllegalArgumentException("no file " + name + " in " + files.keySet());
        }
        return bytes.clone();
    }

    List<String> names() {
        return List.copyOf(files.keySet());
    }

    /** The segment files, oldest first. */
    List<String> segments() {
        return files.keySet().stream().filter(n -> n.startsWith("log") && n.endsWith(".log")).sorted().toList();
    }

    /** A copy with {@code name} replaced by {@code bytes}. */
    StoreImage with(String name, byte[] bytes) {
        Map<String, byte[]> copy = new TreeMap<>(files);
        copy.put(name, bytes);
        return new StoreImage(copy);
    }

    /** A copy without the files whose names start with {@code prefix}. */
    StoreImage without(String prefix) {
        Map<String, byte[]> copy = new TreeMap<>(files);
        copy.keySet().removeIf(n -> n.startsWith(prefix));
        return new StoreImage(copy);
    }

    /** Writes the image to {@code directory}, which must not exist yet. */
    Path writeTo(Path directory) {
        try {
            Files.createDirectories(directory.resolve("log"));
            Files.createDirectories(directory.resolve("index"));
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Path p = directory.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return directory;
    }

    static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
