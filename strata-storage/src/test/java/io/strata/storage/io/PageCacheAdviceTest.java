package io.strata.storage.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * posix_fadvise through JNA really empties the page cache of a file, and the file reads the same after.
 * Residency is asked of the kernel with {@link MappedByteBuffer#isLoaded()} (mincore), which does not
 * bring pages in.
 */
public class PageCacheAdviceTest {
    private static final int FILE_BYTES = 4 << 20;

    @TempDir
    Path temp;

    @Test
    void aWrittenBackFileLeavesThePageCacheAndReadsTheSame() throws IOException {
        assumeTrue(Platform.isLinux() && Platform.is64Bit(), "posix_fadvise is called on 64-bit Linux only");
        assertThat(PageCacheAdvice.available()).as("JNA bound posix_fadvise").isTrue();
        Path path = temp.resolve("file");
        byte[] content = new byte[FILE_BYTES];
        Arrays.fill(content, (byte) 7);
        try (StorageFile file = FileIO.standard().open(path, true)) {
            file.write(ByteBuffer.wrap(content), 0);
            file.force();
            assertThat(resident(path)).as("just written").isTrue();

            assertThat(file.dropCachedPages()).isTrue();

            assertThat(resident(path)).as("after the advice").isFalse();
            ByteBuffer read = ByteBuffer.allocate(FILE_BYTES);
            assertThat(file.read(read, 0)).isEqualTo(FILE_BYTES);
            assertThat(read.array()).isEqualTo(content);
        }
    }

    @Test
    void aMissingFileGetsNoAdvice() {
        assertThat(PageCacheAdvice.dontNeed(temp.resolve("missing"))).isFalse();
    }

    /** Whether every page of the file is in the page cache, per mincore. */
    public static boolean resident(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            return map.isLoaded();
        }
    }
}
