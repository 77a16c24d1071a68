package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeDirLockTest {

    @Test
    void aSecondSluiceOnTheSameRuntimeDirIsRefusedWithTheOwnersPid(@TempDir Path dir) throws IOException {
        try (RuntimeDirLock first = RuntimeDirLock.acquire(dir)) {
            assertThat(Files.readString(dir.resolve(RuntimeDirLock.FILE)).strip())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> RuntimeDirLock.acquire(dir))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("server.runtime-dir");
        }
    }

    @Test
    void aSymlinkPlantedAsTheLockFileIsRefusedAndItsTargetLeftAlone(@TempDir Path dir) throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        Files.createSymbolicLink(dir.resolve(RuntimeDirLock.FILE), victim);

        assertThatThrownBy(() -> RuntimeDirLock.acquire(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve(RuntimeDirLock.FILE).toString());
        assertThat(Files.readString(victim)).isEqualTo("precious\n");
    }

    @Test
    void theLockIsFreeAgainOnceReleased(@TempDir Path dir) throws IOException {
        RuntimeDirLock first = RuntimeDirLock.acquire(dir);
        first.close();
        first.close();
        try (RuntimeDirLock second = RuntimeDirLock.acquire(dir)) {
            assertThat(second).isNotNull();
        }
    }
}
