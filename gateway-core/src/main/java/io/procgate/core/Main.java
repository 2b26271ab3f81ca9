package io.procgate.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.procgate.core.auth.Pbkdf2PasswordHasher;
import io.procgate.core.config.ConfigException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The command line: {@code procgate [-c|--config FILE] [-H HOST] [-P PORT] [-s PATH]} runs the
 * gateway in the foreground until SIGINT or SIGTERM (exit 0 after a clean stop); SIGHUP reloads
 * what can be reloaded. {@code procgate hash-password} reads a password from stdin and prints the
 * {@code password-hash} value for it.
 *
 * <p>{@code -H} and {@code -P} override the first tcprocd TCP listener (adding one if there is
 * none) and each {@code -s} adds a tcprocd unix-socket listener, as the tcprocd manual's examples
 * do; they rewrite {@code gateway.tcprocd.listeners} before the plugin reads it.
 *
 * <p>Errors (bad options, invalid configuration, a port in use, an unreadable file) end the
 * program with a non-zero status and one line on stderr, never a stack trace.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_ERROR = 1;
    static final int EXIT_USAGE = 2;

    static final String USAGE = "usage: procgate [-c|--config FILE] [-H HOST] [-P PORT] [-s PATH]\n"
            + "       procgate hash-password    (reads a password from stdin, prints its hash)";

    private static final String TCPROCD = "tcprocd";
    private static final int TCPROCD_DEFAULT_PORT = 20103;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** The parsed command line. */
    record Options(Path config, String host, Integer port, List<String> sockets) {
        boolean hasOverrides() {
            return host != null || port != null || !sockets.isEmpty();
        }
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("hash-password")) {
            if (args.length > 1) {
                err.println("procgate: hash-password takes no arguments");
                return EXIT_USAGE;
            }
            return hashPassword(in, out, err);
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("procgate: " + e.getMessage());
            err.println(USAGE);
            return EXIT_USAGE;
        }
        if (options == null) {
            out.println(USAGE);
            return EXIT_OK;
        }
        return serve(options, err);
    }

    /** @return the options, or null when help was asked for */
    static Options parse(String[] args) {
        Path config = null;
        String host = null;
        Integer port = null;
        List<String> sockets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "-c", "--config" -> config = Path.of(value != null ? value : next(args, ++i, arg));
                case "-H", "--host" -> host = value != null ? value : next(args, ++i, arg);
                case "-P", "--port" -> port = port(value != null ? value : next(args, ++i, arg));
                case "-s", "--socket" -> sockets.add(value != null ? value : next(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option: " + arg);
            }
        }
        if (host != null && host.isBlank()) {
            throw new IllegalArgumentException("-H needs a host name or address");
        }
        for (String s : sockets) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("-s needs a socket path");
            }
        }
        return new Options(config, host, port, List.copyOf(sockets));
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-P needs a port 0-65535, got " + text);
    }

    /** The configuration the options describe: the file over the defaults, then the flags. */
    static Config loadConfig(Options options) {
        Config config = GatewayConfig.load(options.config());
        if (options.hasOverrides()) {
            config = applyOverrides(config, options);
            GatewayConfig.validate(config);
        }
        return config;
    }

    /** Rewrites {@code gateway.tcprocd.listeners} for {@code -H}, {@code -P} and {@code -s}. */
    static Config applyOverrides(Config config, Options options) {
        return applyOverrides(config, options, TCPROCD);
    }

    static Config applyOverrides(Config config, Options options, String protocol) {
        if (!Plugins.names(Plugins.load()).contains(protocol)) {
            throw new ConfigException(
                    "-H, -P and -s set " + protocol + " listeners, but this build has no " + protocol + " protocol");
        }
        String path = "gateway." + protocol + ".listeners";
        List<ConfigValue> listeners = new ArrayList<>();
        if (config.hasPath(path)) {
            ConfigValue v = config.getValue(path);
            if (!(v instanceof ConfigList list)) {
                throw ConfigException.at(path, "expected a list [ ... ]", v.origin());
            }
            listeners.addAll(list);
        }
        if (options.host() != null || options.port() != null) {
            int first = -1;
            for (int i = 0; i < listeners.size(); i++) {
                if (listeners.get(i) instanceof ConfigObject o && !o.containsKey("socket")) {
                    first = i;
                    break;
                }
            }
            if (first >= 0) {
                ConfigObject o = (ConfigObject) listeners.get(first);
                if (options.host() != null) {
                    o = o.withValue("host", ConfigValueFactory.fromAnyRef(options.host(), "command line -H"));
                }
                if (options.port() != null) {
                    o = o.withValue("port", ConfigValueFactory.fromAnyRef(options.port(), "command line -P"));
                }
                listeners.set(first, o);
            } else {
                Map<String, Object> tcp = new LinkedHashMap<>();
                tcp.put("host", options.host() != null ? options.host() : "127.0.0.1");
                tcp.put("port", options.port() != null ? options.port() : TCPROCD_DEFAULT_PORT);
                listeners.add(0, ConfigValueFactory.fromMap(tcp, "command line -H/-P"));
            }
        }
        for (String socket : options.sockets()) {
            listeners.add(ConfigValueFactory.fromMap(Map.of("socket", socket), "command line -s"));
        }
        return config.withValue(path, ConfigValueFactory.fromIterable(listeners, "command line"));
    }

    private static int serve(Options options, PrintStream err) {
        // Signals are taken over before anything starts, so that an early SIGTERM still stops cleanly.
        CountDownLatch stop = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Gateway[] running = new Gateway[1];
        Logger log = LoggerFactory.getLogger(Main.class);
        Gateway gateway;
        try {
            installSignals(log, stop, stopping, () -> reload(log, running[0], options));
            gateway = Gateway.start(loadConfig(options));
        } catch (com.typesafe.config.ConfigException e) {
            err.println("config error: " + ConfigException.oneLine(e));
            return EXIT_ERROR;
        } catch (GatewayException e) {
            err.println("error: " + oneLine(e.getMessage()));
            return EXIT_ERROR;
        } catch (RuntimeException | LinkageError e) {
            err.println("error: " + oneLine(String.valueOf(e)));
            return EXIT_ERROR;
        }
        running[0] = gateway;
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "procgate-shutdown"));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("stop requested");
        gateway.close();
        return EXIT_OK;
    }

    private static void installSignals(Logger log, CountDownLatch stop, AtomicBoolean stopping, Runnable reload) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (stopping.compareAndSet(false, true)) {
                        log.info("SIG{} received, stopping", sig.getName());
                        stop.countDown();
                    } else {
                        log.warn(
                                "SIG{} received while stopping; still waiting for children (send SIGKILL to force)",
                                sig.getName());
                    }
                });
            } catch (IllegalArgumentException e) {
                // The JVM keeps this signal (e.g. -Xrs): the shutdown hook stops the gateway instead.
                log.debug("cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        try {
            Signal.handle(new Signal("HUP"), sig -> reload.run());
        } catch (IllegalArgumentException e) {
            log.debug("cannot handle SIGHUP: {}", e.getMessage());
        }
    }

    /** SIGHUP: re-reads the configuration and applies what can change while running. */
    static void reload(Logger log, Gateway gateway, Options options) {
        log.info("reload requested");
        if (gateway == null) {
            log.warn("reload ignored: the gateway is still starting");
            return;
        }
        try {
            gateway.reload(loadConfig(options));
        } catch (com.typesafe.config.ConfigException e) {
            log.error("reload failed, keeping the running configuration: config error: {}", ConfigException.oneLine(e));
        } catch (RuntimeException e) {
            log.error("reload failed, keeping the running configuration", e);
        }
    }

    private static int hashPassword(InputStream in, PrintStream out, PrintStream err) {
        char[] password;
        Console console = System.console();
        if (console != null && in == System.in) {
            password = console.readPassword("Password: ");
        } else {
            try {
                String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
                password = line == null ? null : line.toCharArray();
            } catch (IOException e) {
                err.println("error: cannot read the password: " + e.getMessage());
                return EXIT_ERROR;
            }
        }
        if (password == null || password.length == 0) {
            err.println("error: no password given (hash-password reads one line from stdin)");
            return EXIT_ERROR;
        }
        try {
            out.println(new Pbkdf2PasswordHasher().hash(password));
        } finally {
            Arrays.fill(password, '\0');
        }
        return EXIT_OK;
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s*\\R\\s*", " ");
    }
}
