package io.sluice.spawner.posix;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The lowest signalling layer refuses the targets that mean more than one of our process groups: {@code kill(-1)}
 * (every process Sluice may signal: all of them under root), {@code kill(0)} (Sluice's own group) and init. Signal 0
 * only checks permission, so these calls are harmless even where the guard is missing.
 */
class SignalGuardTest {

    @Test
    void killRefusesEveryPidThatIsNotOneOtherProcess() {
        for (int pid : new int[] {-1, 0, 1, -42}) {
            assertThatThrownBy(() -> Posix.kill(pid, 0)).as("kill(%d)", pid)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Integer.toString(pid));
        }
    }

    @Test
    void killGroupRefusesGroupsZeroAndOne() {
        for (int pgid : new int[] {-1, 0, 1}) {
            assertThatThrownBy(() -> Posix.killGroup(pgid, 0)).as("killGroup(%d)", pgid)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("process group " + pgid);
        }
    }
}
