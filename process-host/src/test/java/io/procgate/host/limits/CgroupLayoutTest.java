package io.procgate.host.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procgate.host.ProcessLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@link Cgroups} finds the hierarchies and what it writes, on copies of the kernel's files:
 * a v1 machine like this one, and a pure v2 machine (which this one is not; the v2 files are
 * plain files here, so this checks the layout and values, not the kernel's answer).
 */
class CgroupLayoutTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    @Test
    void v1ControllersAreFoundInTheGatewaysOwnGroupOfEachHierarchy() throws IOException {
        Path mountinfo = Files.writeString(
                dir.resolve("mountinfo"),
                String.join(
                        "\n",
                        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
                        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
                        "37 31 0:34 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
                        "40 31 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
                        ""));
        Path own = Files.writeString(dir.resolve("cgroup"), "8:pids:/\n4:memory:/sandbox/abc\n1:cpu:/\n0::/\n");
        Cgroups cgroups = Cgroups.detect(mountinfo, own, 42);
        assertThat(cgroups.directoriesOf("game"))
                .containsExactlyInAnyOrder(
                        Path.of("/sys/fs/cgroup/cpu/procgate-42/game"),
                        Path.of("/sys/fs/cgroup/memory/sandbox/abc/procgate-42/game"),
                        Path.of("/sys/fs/cgroup/pids/procgate-42/game"),
                        Path.of("/sys/fs/cgroup/unified/procgate-42/game"));
    }

    @Test
    void aV2MountWithTheControllersGetsOneGroupWithEveryLimitWritten() throws Exception {
        Path root = Files.createDirectories(dir.resolve("sys/fs/cgroup"));
        Path own = Files.createDirectories(root.resolve("system.slice/procgate.service"));
        Files.writeString(own.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        Path mountinfo = Files.writeString(
                dir.resolve("mountinfo"), "30 23 0:26 / " + root + " rw,nosuid - cgroup2 cgroup2 rw\n");
        Path ownFile = Files.writeString(dir.resolve("cgroup"), "0::/system.slice/procgate.service\n");
        Cgroups cgroups = Cgroups.detect(mountinfo, ownFile, 7);
        assertThat(cgroups.offersAll()).isTrue();

        ProcessCgroup group = cgroups.create("game", new ProcessLimits(512 * MIB, 1.5, 100, 0, true));
        Path game = own.resolve("procgate-7/game");
        assertThat(group.directories()).containsExactly(game);
        assertThat(group.procsFiles()).containsExactly(game.resolve("cgroup.procs"));
        assertThat(Files.readString(game.resolve("memory.max"))).isEqualTo(Long.toString(512 * MIB));
        assertThat(Files.readString(game.resolve("cpu.max"))).isEqualTo("150000 100000");
        assertThat(Files.readString(game.resolve("pids.max"))).isEqualTo("100");
        assertThat(Files.readString(own.resolve("cgroup.subtree_control"))).isEqualTo("+memory +cpu +pids");
        assertThat(Files.readString(own.resolve("procgate-7/cgroup.subtree_control")))
                .isEqualTo("+memory +cpu +pids");

        Files.writeString(game.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n");
        assertThat(group.memoryLimitKills()).isEqualTo(1);
    }

    @Test
    void aV2MountWithoutTheControllerRefusesWithWhatIsMissing() throws IOException {
        Path root = Files.createDirectories(dir.resolve("unified"));
        Files.writeString(root.resolve("cgroup.controllers"), "hugetlb\n");
        Path mountinfo =
                Files.writeString(dir.resolve("mountinfo"), "30 23 0:26 / " + root + " rw - cgroup2 cgroup2 rw\n");
        Path ownFile = Files.writeString(dir.resolve("cgroup"), "0::/\n");
        Cgroups cgroups = Cgroups.detect(mountinfo, ownFile, 7);
        assertThatThrownBy(() -> cgroups.create("game", new ProcessLimits(0, 0, 10, 0, true)))
                .isInstanceOf(LimitException.class)
                .hasMessage("limits.pids: this machine offers no pids cgroup controller (neither a cgroup v1 pids"
                        + " hierarchy nor cgroup v2 " + root + "/cgroup.controllers)");
    }

    @Test
    void theCpuQuotaIsTheCoresTimesTheCfsPeriodAndNeverBelowTheKernelsMinimum() {
        assertThat(Cgroups.cpuQuota(2.0)).isEqualTo(200_000);
        assertThat(Cgroups.cpuQuota(0.25)).isEqualTo(25_000);
        assertThat(Cgroups.cpuQuota(0.001)).isEqualTo(1_000);
    }
}
