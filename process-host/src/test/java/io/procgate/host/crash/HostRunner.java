package io.procgate.host.crash;

import io.procgate.host.ProcessSpec;
import io.procgate.host.RunAs;
import io.procgate.host.testing.TestHost;
import java.nio.file.Path;
import java.util.List;

/** Run in a child JVM by {@link GatewayCrashTest}: starts children, prints their pids, then waits to be killed. */
public final class HostRunner {
    private HostRunner() {}

    public static void main(String[] args) throws Exception {
        TestHost t = TestHost.open(Path.of(args[0]));
        String runAs = args.length > 1 ? args[1] : null;
        for (String name : List.of("plain", "shell")) {
            ProcessSpec spec = name.equals("plain")
                    ? ProcessSpec.of(List.of("sleep", "1000"))
                    : ProcessSpec.of(List.of("sh", "-c", "sleep 1000 & echo started; wait"));
            if (runAs != null) {
                spec = spec.withRunAs(RunAs.user(runAs));
            }
            t.host().start(name, spec, "crash").join();
            System.out.println("pid " + t.host().status(name).orElseThrow().pid());
        }
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
    }
}
