package io.procgate.pcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.procgate.core.auth.Authenticator;
import io.procgate.core.auth.User;
import io.procgate.core.control.Caller;
import io.procgate.core.control.ControlStatus;
import io.procgate.core.control.Outcome;
import io.procgate.core.control.ProcessControl;
import io.procgate.core.metrics.ProtocolMetrics;
import io.procgate.host.HistorySlice;
import io.procgate.host.ProcessStatus;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps PCP requests onto {@link ProcessControl} with the rights of the listener's configured user
 * (spec section 4). Stateless and thread-safe; knows nothing of channels or transfers: a request
 * becomes a {@link PcpReply}.
 *
 * <ul>
 *   <li>{@code ?} for a payload whose first key is not {@code request}, an unknown verb, or a
 *       missing required parameter; unknown extra pairs are ignored;
 *   <li>{@code result=ERROR} for a well-formed but invalid value (a name outside
 *       {@link ProcessControl#NAME}, a {@code line} of {@code cat} that is not a decimal number, a
 *       parameter given as a query);
 *   <li>{@code result=UNKNOWN} for an unexpected failure, which is logged;
 *   <li>query pairs {@code KEY=?} narrow a response to {@code response}, {@code result} and the
 *       pairs asked for; asking for {@code port} or {@code size} keeps the transfer, narrowing it
 *       away drops it.
 * </ul>
 */
final class PcpRequestHandler {
    private static final Logger log = LoggerFactory.getLogger(PcpRequestHandler.class);
    private static final String PROTOCOL = "pcp";
    private static final String ELLIPSIS = "...";

    private final ProcessControl processes;
    private final Authenticator authenticator;
    private final String userName;
    private final ProtocolMetrics metrics;

    PcpRequestHandler(ProcessControl processes, Authenticator authenticator, String userName) {
        this(processes, authenticator, userName, ProtocolMetrics.noop(PROTOCOL));
    }

    /** @param metrics where each answered request is counted by its result (see {@link PcpReply#resultWord()}) */
    PcpRequestHandler(ProcessControl processes, Authenticator authenticator, String userName, ProtocolMetrics metrics) {
        this.processes = processes;
        this.authenticator = authenticator;
        this.userName = userName;
        this.metrics = metrics;
    }

    ProtocolMetrics metrics() {
        return metrics;
    }

    /**
     * Answers one request from {@code peer}. The stage completes on whatever thread the process
     * host uses; its data, if any, is allocated from {@code alloc}.
     */
    CompletionStage<PcpReply> handle(PcpPayload request, SocketAddress peer, ByteBufAllocator alloc) {
        PcpPayload.Pair first = request.pair(0);
        if (!first.key().equals(PcpConstants.REQUEST_KEY) || first.isQuery()) {
            return done(PcpReply.UNPROCESSABLE);
        }
        PcpVerb verb = PcpVerb.fromWire(first.value());
        if (verb == null || !hasRequiredParameters(verb, request)) {
            return done(PcpReply.UNPROCESSABLE);
        }
        Response response = new Response(verb, request);
        try {
            Optional<User> user = authenticator.lookup(userName);
            if (user.isEmpty()) {
                log.warn("pcp request from {}: the listener's user '{}' is not configured", peer, userName);
                return done(response.finish(ControlStatus.PERMISSION_DENIED));
            }
            Caller caller = new Caller(user.get(), peer, PROTOCOL, false);
            CompletionStage<PcpReply> reply = switch (verb) {
                case LIST -> done(list(caller, response, alloc));
                case START -> start(caller, request, response);
                case KILL -> kill(caller, request, response);
                case COMMAND -> done(command(caller, request, response));
                case STATUS -> done(status(caller, request, response));
                case CAT -> done(cat(caller, request, response, alloc));
            };
            return reply.exceptionally(e -> unexpected(verb, peer, response, e));
        } catch (RuntimeException e) {
            return done(unexpected(verb, peer, response, e));
        }
    }

    private static PcpReply unexpected(PcpVerb verb, SocketAddress peer, Response response, Throwable e) {
        log.error("pcp request {} from {} failed", verb.wireName(), peer, e);
        return response.finish(ControlStatus.UNKNOWN);
    }

    private static boolean hasRequiredParameters(PcpVerb verb, PcpPayload request) {
        return switch (verb) {
            case LIST -> true;
            case START -> request.get("name") != null && request.get("command") != null;
            case KILL, STATUS, CAT -> request.get("name") != null;
            case COMMAND -> request.get("name") != null && request.get("line") != null;
        };
    }

    private PcpReply list(Caller caller, Response response, ByteBufAllocator alloc) {
        List<String> names = processes.list(caller);
        response.result(ControlStatus.OK).optional("count", names.size());
        if (names.isEmpty() || !response.wantsTransfer()) {
            return response.reply();
        }
        ByteBuf data = alloc.buffer();
        for (String name : names) {
            data.writeCharSequence(name, StandardCharsets.UTF_8);
            data.writeByte('\n');
        }
        return response.reply(data);
    }

    private CompletionStage<PcpReply> start(Caller caller, PcpPayload request, Response response) {
        String name = name(request);
        String command = request.value("command");
        PcpPayload.Pair path = request.get("path");
        if (name == null || command == null || (path != null && path.isQuery())) {
            return done(response.finish(ControlStatus.ERROR));
        }
        return processes
                .start(caller, name, command, path == null ? null : path.value())
                .thenApply(response::finish);
    }

    private CompletionStage<PcpReply> kill(Caller caller, PcpPayload request, Response response) {
        String name = name(request);
        if (name == null) {
            return done(response.finish(ControlStatus.ERROR));
        }
        return processes.kill(caller, name).thenApply(response::finish);
    }

    private PcpReply command(Caller caller, PcpPayload request, Response response) {
        String name = name(request);
        byte[] line = request.get("line").valueBytes();
        if (name == null || line == null) {
            return response.finish(ControlStatus.ERROR);
        }
        return response.finish(processes.command(caller, name, line));
    }

    private PcpReply status(Caller caller, PcpPayload request, Response response) {
        String name = name(request);
        if (name == null) {
            return response.finish(ControlStatus.ERROR);
        }
        Outcome<ProcessStatus> outcome = processes.status(caller, name);
        if (!outcome.isOk()) {
            return response.finish(outcome.status());
        }
        ProcessStatus s = outcome.value();
        response.result(ControlStatus.OK).optional("state", s.state().wireName());
        if (s.running() && s.pid() > 0) {
            response.optional("pid", s.pid());
        }
        if (!s.running() && s.lastExit() != null) {
            if (s.lastExit().killedBySignal()) {
                response.optional("signal", s.lastExit().signalName());
            } else {
                response.optional("exit", s.lastExit().code());
            }
        }
        response.optional("lines", s.nextLine());
        if (s.lastError() != null && !s.lastError().isEmpty() && response.wants("error")) {
            response.shortenedLast("error", s.lastError());
        }
        return response.reply();
    }

    private PcpReply cat(Caller caller, PcpPayload request, Response response, ByteBufAllocator alloc) {
        String name = name(request);
        long from = 0;
        PcpPayload.Pair line = request.get("line");
        if (line != null) {
            from = line.isQuery() ? -1 : parseLineNumber(line.value());
        }
        if (name == null || from < 0) {
            return response.finish(ControlStatus.ERROR);
        }
        Outcome<HistorySlice> outcome = processes.cat(caller, name, from, PcpConstants.MAX_CAT_BYTES);
        if (!outcome.isOk()) {
            return response.finish(outcome.status());
        }
        HistorySlice slice = outcome.value();
        try {
            long lines = slice.lineCount() + (slice.missed() > 0 ? 1 : 0);
            response.result(ControlStatus.OK).optional("lines", lines);
            if (lines == 0 || !response.wantsTransfer()) {
                return response.reply();
            }
            ByteBuf data = slice.data().retain();
            if (slice.missed() > 0) {
                // the same notice as tcprocd's cat and attach: the lines retention deleted
                String notice =
                        "[gateway] missed " + slice.missed() + " lines, next is line " + slice.firstLine() + "\n";
                CompositeByteBuf composite = alloc.compositeBuffer(2);
                composite.addComponent(true, alloc.buffer().writeBytes(notice.getBytes(StandardCharsets.UTF_8)));
                composite.addComponent(true, data);
                data = composite;
            }
            return response.reply(data);
        } finally {
            slice.release();
        }
    }

    /** A decimal line number, or -1 if {@code value} is not one (signs, spaces, overflow). */
    static long parseLineNumber(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** The request's valid process name, or {@code null} if it is a query or outside the name set. */
    private static String name(PcpPayload request) {
        String name = request.value("name");
        return ProcessControl.isValidName(name) ? name : null;
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    /** Builds one response: {@code response=VERB&result=STATUS} and the pairs the consumer wants. */
    private static final class Response {
        private final PcpPayload request;
        private final List<PcpPayload.Pair> pairs = new ArrayList<>();
        private final boolean narrowed;

        Response(PcpVerb verb, PcpPayload request) {
            this.request = request;
            this.narrowed = request.hasQueries();
            pairs.add(PcpPayload.Pair.of(PcpConstants.RESPONSE_KEY, verb.wireName()));
        }

        Response result(ControlStatus status) {
            pairs.add(PcpPayload.Pair.of(PcpConstants.RESULT_KEY, status.name()));
            return this;
        }

        /** The whole reply when {@code result} is all there is to say. */
        PcpReply finish(ControlStatus status) {
            return result(status).reply();
        }

        boolean wants(String key) {
            return !narrowed || request.asks(key);
        }

        boolean wantsTransfer() {
            return wants(PcpConstants.PORT_KEY) || wants(PcpConstants.SIZE_KEY);
        }

        Response optional(String key, String value) {
            if (wants(key)) {
                pairs.add(PcpPayload.Pair.of(key, value));
            }
            return this;
        }

        Response optional(String key, long value) {
            return optional(key, Long.toString(value));
        }

        /**
         * Adds {@code key=value} as the last pair, shortened (on a character boundary, marked
         * {@code ...}) so that the response stays within {@value PcpConstants#MAX_PAYLOAD_BYTES}
         * bytes with its CRLF; left out if not even one character fits.
         */
        void shortenedLast(String key, String value) {
            int used = PcpPayload.of(pairs).encodedLength();
            int budget = PcpConstants.MAX_PAYLOAD_BYTES - PcpConstants.CRLF_LENGTH - used - 1 - key.length() - 1;
            String fitted = fit(value, budget);
            if (fitted != null) {
                pairs.add(PcpPayload.Pair.of(key, fitted));
            }
        }

        PcpReply reply() {
            return PcpReply.of(pairs);
        }

        PcpReply reply(ByteBuf data) {
            return PcpReply.withTransfer(pairs, data);
        }
    }

    /** {@code value}, or its longest prefix plus {@code ...} whose encoding fits {@code budget}; null if none. */
    static String fit(String value, int budget) {
        if (encodedLength(value) <= budget) {
            return value;
        }
        int room = budget - ELLIPSIS.length();
        int used = 0;
        int end = 0;
        while (end < value.length()) {
            int cp = value.codePointAt(end);
            int cost = encodedLength(new String(Character.toChars(cp)));
            if (used + cost > room) {
                break;
            }
            used += cost;
            end += Character.charCount(cp);
        }
        return end == 0 ? null : value.substring(0, end) + ELLIPSIS;
    }

    private static int encodedLength(String s) {
        return PcpPayload.percentEncode(s.getBytes(StandardCharsets.UTF_8)).length();
    }
}
