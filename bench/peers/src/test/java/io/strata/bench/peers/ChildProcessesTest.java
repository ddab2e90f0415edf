package io.strata.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessesTest {
    @TempDir
    Path folder;

    @Test
    void writesThePidFileAndStopsTheProcessByItsPid() throws Exception {
        ChildProcesses processes = new ChildProcesses(folder, Duration.ofSeconds(10));
        Process sleeper = new ProcessBuilder("sleep", "300").start();

        processes.register("sleeper", sleeper);

        assertThat(Files.readString(folder.resolve("sleeper.pid")).trim()).isEqualTo(String.valueOf(sleeper.pid()));
        processes.stop("sleeper");
        assertThat(sleeper.isAlive()).isFalse();
        assertThat(folder.resolve("sleeper.pid")).doesNotExist();
    }

    @Test
    void killsWhatDoesNotStopWithinTheGracePeriodAndItsChildren() throws Exception {
        ChildProcesses processes = new ChildProcesses(folder, Duration.ofMillis(300));
        Process stubborn = new ProcessBuilder("bash", "-c", "trap '' TERM; sleep 300 & wait").start();
        ProcessHandle child = awaitChild(stubborn);

        processes.register("stubborn", stubborn);
        processes.stopAll();

        assertThat(stubborn.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(child.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
    }

    private static ProcessHandle awaitChild(Process process) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Optional<ProcessHandle> child = process.toHandle().children().findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("bash started no child");
    }
}
