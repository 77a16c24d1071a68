package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading whether a process has begun to exit from /proc/PID/stat: the parser, and real processes. */
class ProcStatTest {

    @Test
    void parsesStateAndFlagsAfterACommandNameWithSpacesAndParentheses() {
        ProcStat stat = ProcStat.parse("4242 (a (b) c) S 1 4242 4242 0 -1 4194560 120 0 0 0 1 2 0 0 20 0 1 0 999");

        assertThat(stat).isEqualTo(new ProcStat('S', 4194560));
        assertThat(stat.exiting()).isFalse();
    }

    @Test
    void aProcessIsExitingOncePfExitingIsSetOrItIsAZombie() {
        // 0x404044 = PF_EXITING (0x4) among others: do_exit has begun, its files may still be open.
        assertThat(ProcStat.parse("7 (w) R 1 7 7 0 -1 4210756 0 0 0 0 0 0 0 0 20 0 1 0 5").exiting()).isTrue();
        assertThat(ProcStat.parse("7 (w) Z 1 7 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5").exiting()).isTrue();
        assertThat(ProcStat.parse("7 (w) X 1 7 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5").exiting()).isTrue();
        assertThat(ProcStat.parse("7 (w) D 1 7 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5").exiting()).isFalse();
    }

    @Test
    void readsThisJvmAsRunningAndANonexistentPidAsGone() throws Exception {
        assertThat(ProcStat.read((int) ProcessHandle.current().pid())).get()
                .extracting(ProcStat::exiting).isEqualTo(false);
        assertThat(ProcStat.read(0x3fffffff)).isEmpty();
    }

    @Test
    void readsAnUnreapedChildAsExiting() throws Exception {
        // The shell's background child exits at once; exec'd sleep never reaps it, so it stays a zombie.
        Process parent = new ProcessBuilder("/bin/sh", "-c", "/bin/true & exec /bin/sleep 30").start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> zombieChild(parent).isPresent());
            int zombie = zombieChild(parent).orElseThrow();

            assertThat(ProcStat.read(zombie)).get().extracting(ProcStat::exiting).isEqualTo(true);
            assertThat(ProcStat.read((int) parent.pid())).get().extracting(ProcStat::exiting).isEqualTo(false);
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    private static Optional<Integer> zombieChild(Process parent) throws Exception {
        List<ProcessHandle> children = parent.toHandle().children().toList();
        for (ProcessHandle child : children) {
            Optional<ProcStat> stat = ProcStat.read((int) child.pid());
            if (stat.isPresent() && stat.get().state() == 'Z') {
                return Optional.of((int) child.pid());
            }
        }
        return Optional.empty();
    }
}
