package io.strata.storage.io;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells Linux that the engine will not read a file's cached pages again soon: {@code posix_fadvise(fd, 0, 0,
 * POSIX_FADV_DONTNEED)}, through JNA (Java has no call for it, and its own foreign-function API is final
 * only from Java 22). The kernel then lets go of the pages that are written back; dirty ones stay.
 *
 * <p>Only where the C library has the call (64-bit Linux); elsewhere, or when JNA cannot load its native
 * part, {@link #available()} is false and {@link #dontNeed} does nothing: it is advice, never needed for
 * correctness.
 */
final class PageCacheAdvice {
    private static final Logger LOG = Logger.getLogger(PageCacheAdvice.class.getName());
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000; // Linux's value on every architecture JNA supports there
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final boolean AVAILABLE = register();

    private PageCacheAdvice() {
    }

    static boolean available() {
        return AVAILABLE;
    }

    /**
     * Advises that {@code path}'s cached pages are not needed. The file is opened again by name for this:
     * the advice is about the file's pages, whichever descriptor gives it, and a {@link java.nio.channels.FileChannel}
     * shows none. Returns false when the advice could not be given (unsupported here, or the call failed).
     */
    static boolean dontNeed(Path path) {
        if (!AVAILABLE) {
            return false;
        }
        int fd = open(nulTerminated(path), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return false;
        }
        try {
            return posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0; // returns the error number itself, not -1
        } finally {
            close(fd);
        }
    }

    private static byte[] nulTerminated(Path path) {
        byte[] name = path.toString().getBytes(Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")));
        return Arrays.copyOf(name, name.length + 1);
    }

    private static boolean register() {
        try { // a LinkageError also when an application leaves JNA off the class path
            if (!Platform.isLinux() || !Platform.is64Bit()) {
                return false;
            }
            Native.register(PageCacheAdvice.class, Platform.C_LIBRARY_NAME);
            return true;
        } catch (LinkageError | RuntimeException e) {
            LOG.log(Level.FINE, "posix_fadvise is not available; the log's pages stay in the page cache", e);
            return false;
        }
    }

    private static native int open(byte[] path, int flags);

    private static native int posix_fadvise(int fd, long offset, long length, int advice);

    private static native int close(int fd);
}
