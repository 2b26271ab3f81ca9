package io.procgate.host.spawn;

import io.netty.channel.unix.FileDescriptor;
import io.procgate.host.ProcessSpec;
import io.procgate.host.RunAs;
import io.procgate.host.os.Passwd;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a child with the JDK's spawn, handing it pipes created by Netty's native code, wrapped so
 * that it leads its own process group ({@code setsid}), dies with the gateway
 * ({@code setpriv --pdeathsig KILL}, which also switches the user for run-as), and line-buffers
 * glibc stdio ({@code stdbuf -oL -eL}). With limits it first joins the run's cgroups (a shell
 * that writes its own pid to each {@code cgroup.procs} and execs the rest, so that everything the
 * program ever starts is inside them from its first instruction) and sets {@code RLIMIT_NOFILE}
 * with {@code prlimit} (before the user switch: only root may raise a hard limit).
 *
 * <p>Must be called on a thread that lives as long as the gateway (an event loop): the parent-death
 * signal fires when the spawning <em>thread</em> exits.
 */
public final class ChildLauncher {
    private static final String SETSID = "setsid";
    private static final String SETPRIV = "setpriv";
    private static final String STDBUF = "stdbuf";
    private static final String SCRIPT = "script";
    private static final String PRLIMIT = "prlimit";
    /** Joins every cgroup.procs file given before "--", then execs what follows it. */
    private static final String JOIN_CGROUPS =
            "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 126; shift; done; shift; exec \"$@\"";

    private static final String JOIN_NAME = "procgate-join";

    private final boolean allowRootChildren;
    private final int gatewayUid;

    public ChildLauncher(boolean allowRootChildren) {
        this.allowRootChildren = allowRootChildren;
        this.gatewayUid = Passwd.currentUid();
    }

    public Spawned launch(ProcessSpec spec) throws SpawnException {
        return launch(spec, List.of());
    }

    /**
     * Starts {@code spec}; the child joins the cgroups whose {@code cgroup.procs} files are given
     * before it runs anything of its own.
     */
    public Spawned launch(ProcessSpec spec, List<Path> cgroupProcsFiles) throws SpawnException {
        Optional<Passwd.Account> account = Optional.empty();
        RunAs runAs = spec.runAs();
        int childUid = gatewayUid;
        if (runAs != null) {
            account = Passwd.system().byNameOrUid(runAs.user());
            if (account.isEmpty()) {
                throw new SpawnException("run-as user " + runAs.user() + " does not exist");
            }
            childUid = account.get().uid();
        }
        if (childUid == 0 && !allowRootChildren) {
            throw SpawnException.rootRefused();
        }
        Path workDir = spec.workingDirectory() != null
                ? spec.workingDirectory()
                : account.map(Passwd.Account::home)
                        .filter(Files::isDirectory)
                        .orElse(Path.of("").toAbsolutePath());
        if (!Files.isDirectory(workDir)) {
            throw new SpawnException("working directory " + workDir + " does not exist or is not a directory");
        }
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        account.ifPresent(a -> {
            env.put("HOME", a.home().toString());
            env.put("USER", a.name());
            env.put("LOGNAME", a.name());
        });
        env.putAll(spec.environment());
        String executable = resolveExecutable(spec.argv().get(0), workDir, env.get("PATH"));

        List<String> command = wrap(spec, runAs, account, executable, cgroupProcsFiles);
        FileDescriptor[] out = null;
        FileDescriptor[] in = null;
        try {
            out = FileDescriptor.pipe();
            in = FileDescriptor.pipe();
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(procFd(in[0]))
                    .redirectOutput(procFd(out[1]))
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process = builder.start();
            closeQuietly(out[1]);
            closeQuietly(in[0]);
            return new Spawned(process, out[0], in[1]);
        } catch (IOException e) {
            if (out != null) {
                closeQuietly(out[0]);
                closeQuietly(out[1]);
            }
            if (in != null) {
                closeQuietly(in[0]);
                closeQuietly(in[1]);
            }
            throw new SpawnException(
                    outOfDescriptors(e)
                            ? "cannot start " + spec.argv().get(0) + ": out of file descriptors (" + e.getMessage()
                                    + "); nothing was started"
                            : "cannot execute " + spec.argv().get(0) + ": " + e.getMessage());
        }
    }

    /** EMFILE (this process's limit) or ENFILE (the system's): a start can succeed again later. */
    private static boolean outOfDescriptors(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("Too many open files") || m.contains("EMFILE") || m.contains("ENFILE"))) {
                return true;
            }
        }
        return false;
    }

    private List<String> wrap(
            ProcessSpec spec,
            RunAs runAs,
            Optional<Passwd.Account> account,
            String executable,
            List<Path> cgroupProcsFiles)
            throws SpawnException {
        List<String> command = new ArrayList<>();
        command.add(SETSID);
        if (!cgroupProcsFiles.isEmpty()) {
            command.addAll(List.of("sh", "-c", JOIN_CGROUPS, JOIN_NAME));
            cgroupProcsFiles.forEach(f -> command.add(f.toString()));
            command.add("--");
        }
        long openFiles = spec.limits().openFiles();
        if (openFiles > 0) {
            command.addAll(List.of(PRLIMIT, "--nofile=" + openFiles + ":" + openFiles, "--"));
        }
        command.add(SETPRIV);
        if (runAs != null) {
            Passwd.Account a = account.orElseThrow();
            int gid = a.gid();
            if (runAs.group() != null) {
                gid = Passwd.groupId(runAs.group())
                        .orElseThrow(() -> new SpawnException("run-as group " + runAs.group() + " does not exist"));
            }
            if (a.uid() != gatewayUid) {
                command.addAll(List.of(
                        "--reuid",
                        Integer.toString(a.uid()),
                        "--regid",
                        Integer.toString(gid),
                        "--init-groups",
                        "--inh-caps=-all",
                        "--no-new-privs"));
                // --init-groups needs the name, not the number.
                command.set(command.indexOf("--reuid") + 1, a.name());
            }
        }
        command.addAll(List.of("--pdeathsig", "KILL", "--"));
        List<String> argv = new ArrayList<>(spec.argv());
        argv.set(0, executable);
        if (spec.tty()) {
            // A pseudo-terminal keeps the pipe design: script copies the terminal to its stdout.
            command.addAll(List.of(SCRIPT, "-qfec", io.procgate.host.CommandLine.join(argv), "/dev/null"));
        } else {
            command.addAll(List.of(STDBUF, "-oL", "-eL"));
            command.addAll(argv);
        }
        return command;
    }

    /** Finds the program as execvp would, so that "no such file" is an error of start, not an exit code. */
    private static String resolveExecutable(String program, Path workDir, String path) throws SpawnException {
        if (program.contains("/")) {
            Path p = workDir.resolve(program);
            if (!Files.exists(p)) {
                throw new SpawnException("cannot execute " + program + ": no such file");
            }
            if (Files.isDirectory(p) || !Files.isExecutable(p)) {
                throw new SpawnException("cannot execute " + program + ": not an executable file");
            }
            return program;
        }
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return program; // the child's execvp finds it the same way
            }
        }
        throw new SpawnException("cannot execute " + program + ": not found in PATH");
    }

    private static File procFd(FileDescriptor fd) {
        return new File("/proc/self/fd/" + fd.intValue());
    }

    private static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException ignored) {
            // Best effort while cleaning up a failed spawn.
        }
    }
}
