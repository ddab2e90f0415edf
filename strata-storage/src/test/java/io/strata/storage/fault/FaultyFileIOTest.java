package io.strata.storage.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.storage.io.StorageFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The power-cut model itself: what survives of data written over bytes an fsync made durable. */
class FaultyFileIOTest {
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** A durably named file of two pages of zeros, fsync'd, then two pages of 'x' written over them. */
    private Path zerosOverwrittenAfterTheirFsync(FaultyFileIO io, boolean fsyncAgain) throws Exception {
        Path file = dir.resolve("segment.log");
        try (StorageFile f = io.open(file, true)) {
            f.write(ByteBuffer.wrap(new byte[2 * PAGE]), 0);
            f.force();
            io.syncDirectory(dir);
            f.write(ByteBuffer.wrap(filled(2 * PAGE, 'x')), 0);
            if (fsyncAgain) {
                f.force();
            }
        }
        io.cutPower();
        return file;
    }

    @Test
    void bytesWrittenOverDurableZerosAreLostWithoutAnFsync() throws Exception {
        FaultyFileIO io = new FaultyFileIO();
        Path file = zerosOverwrittenAfterTheirFsync(io, false);
        io.restoreDurableState();
        assertThat(Files.readAllBytes(file)).isEqualTo(new byte[2 * PAGE]);
    }

    @Test
    void bytesWrittenOverDurableZerosSurviveOnceFsynced() throws Exception {
        FaultyFileIO io = new FaultyFileIO();
        Path file = zerosOverwrittenAfterTheirFsync(io, true);
        io.restoreDurableState();
        assertThat(Files.readAllBytes(file)).isEqualTo(filled(2 * PAGE, 'x'));
    }

    @Test
    void aDiskThatWroteBackSomePagesKeepsEachPageOldOrNewWhole() throws Exception {
        boolean sawOld = false;
        boolean sawNew = false;
        for (int seed = 0; seed < 20; seed++) {
            FaultyFileIO io = new FaultyFileIO();
            Path file = zerosOverwrittenAfterTheirFsync(io, false);
            io.restoreDurableState(new Random(seed));
            byte[] content = Files.readAllBytes(file);
            assertThat(content).hasSize(2 * PAGE);
            for (int page = 0; page < 2; page++) {
                byte[] bytes = Arrays.copyOfRange(content, page * PAGE, (page + 1) * PAGE);
                boolean old = Arrays.equals(bytes, new byte[PAGE]);
                boolean written = Arrays.equals(bytes, filled(PAGE, 'x'));
                assertThat(old || written).as("seed %d page %d is one or the other", seed, page).isTrue();
                sawOld |= old;
                sawNew |= written;
            }
            Files.delete(file);
        }
        assertThat(sawOld).isTrue();
        assertThat(sawNew).isTrue();
    }

    @Test
    void theFirstOfTwoUnsyncedOverwritesIsTheOneUndone() throws Exception {
        FaultyFileIO io = new FaultyFileIO();
        Path file = dir.resolve("twice.log");
        try (StorageFile f = io.open(file, true)) {
            f.write(ByteBuffer.wrap(filled(100, 'a')), 0);
            f.force();
            io.syncDirectory(dir);
            f.write(ByteBuffer.wrap(filled(100, 'b')), 0);
            f.write(ByteBuffer.wrap(filled(50, 'c')), 25);
        }
        io.cutPower();
        io.restoreDurableState();
        assertThat(Files.readAllBytes(file)).isEqualTo(filled(100, 'a'));
    }
}
