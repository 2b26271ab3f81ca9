package io.procgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tcproc}: the command-line client of a tcprocd gateway (docs/tcprocd.md).
 *
 * <pre>
 * tcproc [-H HOST] [-P PORT] [--tls [--ca FILE]] [-s SOCKET] [-u USER]
 *        list [-l] | status [-l] [NAME...] | start NAME [COMMAND [PATH]] | kill NAME
 *        | cat NAME [FROM] | command NAME LINE | attach NAME
 * </pre>
 *
 * {@code list -l} and {@code status} print one line per process, {@code NAME STATE}, the name
 * padded to a column: for people, and for scripts ({@code awk '{print $2}'}). STATE is
 * {@code running}, {@code not-running} (known, not running: exited, waiting for a restart or given
 * up), {@code unknown} (never known) or {@code denied} (another user's). {@code status} exits 0 when
 * every named process runs, 1 otherwise. {@code status -l} prints a header line and, after the
 * state, the live figures of each process ({@link StatsTable}) from the gateway's {@code stats}
 * request (an extension beyond the original manual; against an older gateway, states only).
 *
 * Without {@code -s}, {@code -H} or {@code -P} it finds the gateway as {@link Endpoint} says: the
 * default configuration's socket {@code ./data/tcprocd.sock} when there is one, else TCP
 * {@code 127.0.0.1:20103}.
 *
 * <p>The password comes from the environment variable {@code TCPROC_PASSWORD} or an interactive
 * prompt, never from the command line. Exit status: 0 for {@code OK}; 1 for any other status (the
 * status is printed on stderr); 2 for a usage error; 3 when the gateway cannot be reached or breaks
 * the protocol.
 */
@Command(
        name = "tcproc",
        mixinStandardHelpOptions = true,
        version = "tcproc 0.1",
        description = "Controls processes of a tcprocd gateway.",
        footer = {"", "The password is read from TCPROC_PASSWORD, or asked for on the terminal."})
public final class Tcproc implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_STATUS = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_UNREACHABLE = 3;

    /** Where the client reads and writes; the real console in {@link #main}, fakes in tests. */
    record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Supplier<char[]> console) {
        static Io system() {
            return new Io(System.in, System.out, System.err, System.getenv(), () -> {
                java.io.Console console = System.console();
                return console == null ? null : console.readPassword("Password: ");
            });
        }
    }

    @Option(
            names = {"-H", "--host"},
            paramLabel = "HOST",
            description = "Gateway host, over TCP (default: 127.0.0.1).")
    String host;

    @Option(
            names = {"-P", "--port"},
            paramLabel = "PORT",
            description = "Gateway TCP port (default: 20103).")
    Integer port;

    @Option(
            names = {"-s", "--socket"},
            paramLabel = "PATH",
            description = "Connect to this unix socket instead of TCP (default: $TCPROC_SOCKET, else"
                    + " ./data/tcprocd.sock if it exists, unless a TCP option or $TCPROC_USER is given).")
    Path socket;

    @Option(
            names = {"--tls"},
            description = "Speak TLS (1.2 or 1.3) to a TCP listener that has tls configured.")
    boolean tls;

    @Option(
            names = {"--ca"},
            paramLabel = "FILE",
            description = "Trust the certificates in this PEM file (implies --tls; default: the JDK's CAs).")
    Path ca;

    @Option(
            names = {"-u", "--user"},
            paramLabel = "USER",
            description = "User name over TCP (default: $TCPROC_USER, else your login).")
    String user;

    private final Io io;

    Tcproc(Io io) {
        this.io = io;
    }

    public static void main(String[] args) {
        System.exit(run(Io.system(), args));
    }

    /** Runs one command and returns the exit status. */
    static int run(Io io, String... args) {
        CommandLine commandLine = new CommandLine(new Tcproc(io));
        commandLine.setOut(new java.io.PrintWriter(io.out(), true));
        commandLine.setErr(new java.io.PrintWriter(io.err(), true));
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            io.err().println("tcproc: " + e.getMessage());
            return EXIT_USAGE;
        });
        return commandLine.execute(args);
    }

    /** No command given: show the usage. */
    @Override
    public Integer call() {
        new CommandLine(new Tcproc(io)).usage(io.err());
        return EXIT_USAGE;
    }

    @Command(name = "list", description = "Names of your running processes (an admin's: all).")
    int list(
            @Option(
                            names = {"-l", "--long"},
                            description = "One line per process: NAME STATE.")
                    boolean long_) {
        if (long_) {
            return session(client -> {
                List<String> running = client.names();
                int width = running.stream().mapToInt(String::length).max().orElse(0);
                for (String name : running) {
                    printState(name, "running", width);
                }
            });
        }
        return session(client -> client.list(io.out()));
    }

    @Command(
            name = "status",
            description = "NAME STATE for each NAME (default: your running processes); exit 0 if all run.")
    int status(
            @Option(
                            names = {"-l", "--long"},
                            description = "A header, then each process's live figures after its state: CPU (cores),"
                                    + " RSS, threads, open files, uptime, and how its last run ended.")
                    boolean long_,
            @Parameters(paramLabel = "NAME", arity = "0..*") List<String> names) {
        boolean[] allRunning = {true};
        int result = session(client -> {
            List<String> running = client.names();
            List<String> asked = names == null || names.isEmpty() ? running : names;
            int width = asked.stream().mapToInt(String::length).max().orElse(0);
            List<String> states = new ArrayList<>();
            for (String name : asked) {
                String state;
                if (running.contains(name)) {
                    state = "running";
                } else {
                    allRunning[0] = false;
                    try {
                        state = client.known(name) ? "not-running" : "unknown";
                    } catch (TcprocException e) {
                        if (e.status() != Status.PERMISSION_DENIED) {
                            throw e;
                        }
                        state = "denied";
                    }
                }
                if (long_) {
                    states.add(state);
                } else {
                    printState(name, state, width);
                }
            }
            if (long_) {
                printFigures(client, asked, states);
            }
        });
        return result == EXIT_OK && !allRunning[0] ? EXIT_STATUS : result;
    }

    /**
     * The table of {@code status -l}. The {@code stats} requests come after everything else: a
     * gateway without them answers {@code ERROR} and closes, and the states are known by then.
     */
    private void printFigures(TcprocClient client, List<String> names, List<String> states)
            throws IOException, TcprocException {
        StatsTable table = new StatsTable();
        boolean available = true;
        for (int i = 0; i < names.size(); i++) {
            String state = states.get(i);
            Map<String, String> stats = Map.of();
            if (available && (state.equals("running") || state.equals("not-running"))) {
                try {
                    stats = client.stats(names.get(i));
                } catch (TcprocException e) {
                    if (e.status() == Status.ERROR) {
                        io.err().println("tcproc: figures not available from this gateway");
                        available = false;
                    } else if (e.status() == null) {
                        throw e;
                    }
                }
            }
            table.add(names.get(i), state, stats);
        }
        table.print(io.out());
    }

    private void printState(String name, String state, int width) {
        StringBuilder line = new StringBuilder(name);
        while (line.length() < width) {
            line.append(' ');
        }
        io.out().println(line.append("  ").append(state));
    }

    @Command(
            name = "start",
            description = "Starts COMMAND (no shell; POSIX quoting) as NAME in PATH; a NAME declared in the"
                    + " gateway's configuration starts as declared, and needs no COMMAND.")
    int start(
            @Parameters(paramLabel = "NAME") String name,
            @Parameters(paramLabel = "COMMAND", arity = "0..1") String command,
            @Parameters(paramLabel = "PATH", arity = "0..1") String path) {
        return session(client -> {
            try {
                client.start(name, command == null ? "" : command, path);
            } catch (TcprocException e) {
                if (command == null && e.status() == Status.ERROR) {
                    throw new TcprocException(
                            Status.ERROR,
                            "ERROR: " + name + " is not declared in the gateway's configuration: give a COMMAND");
                }
                throw e;
            }
        });
    }

    @Command(name = "kill", description = "Stops the process NAME and everything it started.")
    int kill(@Parameters(paramLabel = "NAME") String name) {
        return session(client -> client.kill(name));
    }

    @Command(name = "cat", description = "Prints the output of NAME from line FROM (default 0) to the end.")
    int cat(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "FROM", arity = "0..1") Long from) {
        long first = from == null ? 0 : from;
        if (first < 0) {
            io.err().println("tcproc: FROM must not be negative");
            return EXIT_USAGE;
        }
        return session(client -> client.cat(name, first, io.out()));
    }

    @Command(name = "command", description = "Writes LINE to the standard input of NAME.")
    int command(@Parameters(paramLabel = "NAME") String name, @Parameters(paramLabel = "LINE") String line) {
        return session(client -> client.command(name, line));
    }

    @Command(
            name = "attach",
            description = "Sends your input to NAME and prints its output, until it exits (Ctrl-C detaches).")
    int attach(@Parameters(paramLabel = "NAME") String name) {
        return session(client -> client.attach(name, io.in(), io.out()));
    }

    private interface Action {
        void run(TcprocClient client) throws IOException, TcprocException;
    }

    private int session(Action action) {
        if (socket != null && (tls || ca != null)) {
            io.err().println("tcproc: --tls is for TCP; a unix socket is local");
            return EXIT_USAGE;
        }
        Endpoint where = Endpoint.choose(socket, host, port, tls || ca != null || user != null, io.env(), Path.of(""));
        try (TcprocClient client = where.isUnix()
                ? TcprocClient.unix(where.socket())
                : tls || ca != null
                        ? TcprocClient.tls(where.host(), where.port(), ca)
                        : TcprocClient.tcp(where.host(), where.port())) {
            client.authenticate(userName(), this::password);
            action.run(client);
            io.out().flush();
            return EXIT_OK;
        } catch (TcprocException e) {
            io.out().flush();
            io.err()
                    .println(
                            e.status() != null
                                    ? "tcproc: " + e.getMessage()
                                    : "tcproc: " + where + ": " + e.getMessage());
            return e.status() != null ? EXIT_STATUS : EXIT_UNREACHABLE;
        } catch (IllegalArgumentException e) {
            io.err().println("tcproc: " + e.getMessage());
            return EXIT_USAGE;
        } catch (NoPasswordException e) {
            io.err().println("tcproc: " + e.getMessage());
            return EXIT_STATUS;
        } catch (IOException e) {
            io.out().flush();
            io.err().println("tcproc: " + where + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return EXIT_UNREACHABLE;
        }
    }

    private String userName() {
        if (user != null) {
            return user;
        }
        String fromEnv = io.env().get("TCPROC_USER");
        return fromEnv != null ? fromEnv : System.getProperty("user.name");
    }

    private byte[] password() {
        String fromEnv = io.env().get("TCPROC_PASSWORD");
        if (fromEnv != null) {
            return fromEnv.getBytes(StandardCharsets.UTF_8);
        }
        char[] typed = io.console().get();
        if (typed == null) {
            throw new NoPasswordException();
        }
        byte[] bytes = new String(typed).getBytes(StandardCharsets.UTF_8);
        java.util.Arrays.fill(typed, '\0');
        return bytes;
    }

    /** The server asked for a password and there is none to give. */
    private static final class NoPasswordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoPasswordException() {
            super("the gateway asks for a password: set TCPROC_PASSWORD or run on a terminal");
        }
    }
}
