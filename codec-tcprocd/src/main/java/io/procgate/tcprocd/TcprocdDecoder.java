package io.procgate.tcprocd;

import static io.procgate.tcprocd.TcprocdConstants.LONG_LENGTH_DIGITS;
import static io.procgate.tcprocd.TcprocdConstants.MAX_COMMAND_WORD;
import static io.procgate.tcprocd.TcprocdConstants.MAX_HELD_BYTES;
import static io.procgate.tcprocd.TcprocdConstants.MAX_LONG_FIELD;
import static io.procgate.tcprocd.TcprocdConstants.MAX_NAME;
import static io.procgate.tcprocd.TcprocdConstants.MAX_NUMBER_DIGITS;
import static io.procgate.tcprocd.TcprocdConstants.MAX_SHORT_FIELD;
import static io.procgate.tcprocd.TcprocdConstants.MIN_COMMAND_WORD;
import static io.procgate.tcprocd.TcprocdConstants.NUMBER_LENGTH_DIGITS;
import static io.procgate.tcprocd.TcprocdConstants.SHORT_LENGTH_DIGITS;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Decodes tcprocd requests (docs/tcprocd.md, section 2) into {@link TcprocdMessage}s.
 *
 * <p>A request is a command word and the fields it implies, each {@code LEN FIELD} with a fixed
 * number of length digits; there is no terminator. The decoder is a state machine with one state
 * per field. It peeks a whole field before consuming it, and checks every length (digits only, and
 * within the field's bound) as soon as its digits arrive, before waiting for the field or
 * allocating anything for it. CR and LF between requests are skipped.
 *
 * <p>One instance decodes either credentials or commands, or holds everything ({@link Mode}):
 *
 * <ul>
 *   <li>In a credentials mode it decodes exactly one {@link TcprocdAuthRequest} and then holds every
 *       later byte, unread, until it is removed from the pipeline; the bytes then flow to the next
 *       handler (the command decoder), so nothing slips past the authentication.
 *   <li>In {@link Mode#COMMANDS} it decodes requests until an {@code attach}, then holds the rest the
 *       same way: after an accepted attach the bytes are lines for the process, not requests.
 * </ul>
 *
 * <p>While holding, the decoder does not ask for more input; a peer that still sends more than
 * {@link TcprocdConstants#MAX_HELD_BYTES} is malformed. A malformed request throws a
 * {@link TcprocdCodecException}; the decoder then discards all further input.
 */
public final class TcprocdDecoder extends ByteToMessageDecoder {

    /** What a decoder reads. */
    public enum Mode {
        /** One {@code NN username NN password} (TCP). */
        USER_AND_PASSWORD,
        /** One {@code NN password} (unix socket, when the user has a password). */
        PASSWORD,
        /** Requests, up to and including an {@code attach}. */
        COMMANDS,
        /**
         * Nothing: holds every byte until it is replaced or removed (unix socket, until it is known
         * whether the peer's user is asked for a password).
         */
        HOLD
    }

    private enum State {
        USERNAME,
        PASSWORD,
        COMMAND_WORD,
        NAME,
        COMMAND_LINE,
        PATH,
        START_LINE,
        STDIN_LINE,
        /** A credentials message or an attach was decoded: keep everything else for the next stage. */
        HELD,
        /** A malformed request was seen: discard everything. */
        BAD
    }

    private static final ByteProcessor NAME_BYTES = b -> (b >= 'a' && b <= 'z')
            || (b >= 'A' && b <= 'Z')
            || (b >= '0' && b <= '9')
            || b == '.'
            || b == '_'
            || b == '-';

    private final Mode mode;
    private final DigitsProcessor digits = new DigitsProcessor();

    private State state;
    private TcprocdCommand command;
    private String username;
    private String name;
    private String commandLine;

    /** A decoder of requests ({@link Mode#COMMANDS}). */
    public TcprocdDecoder() {
        this(Mode.COMMANDS);
    }

    public TcprocdDecoder(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        resetDecoder();
    }

    public Mode mode() {
        return mode;
    }

    /** Whether the decoder decoded its last message (credentials, or an attach) and holds the rest. */
    public boolean isHolding() {
        return state == State.HELD;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            for (; ; ) {
                switch (state) {
                    case USERNAME:
                        if (!decodeUsername(in)) {
                            return;
                        }
                        break;
                    case PASSWORD:
                        if (!decodePassword(in, out)) {
                            return;
                        }
                        break;
                    case COMMAND_WORD:
                        if (!decodeCommandWord(in, out)) {
                            return;
                        }
                        break;
                    case NAME:
                        if (!decodeName(in, out)) {
                            return;
                        }
                        break;
                    case COMMAND_LINE:
                        if (!decodeCommandLine(in)) {
                            return;
                        }
                        break;
                    case PATH:
                        if (!decodePath(in, out)) {
                            return;
                        }
                        break;
                    case START_LINE:
                        if (!decodeStartLine(in, out)) {
                            return;
                        }
                        break;
                    case STDIN_LINE:
                        if (!decodeStdinLine(in, out)) {
                            return;
                        }
                        break;
                    case HELD:
                        if (in.readableBytes() > MAX_HELD_BYTES) {
                            throw new TcprocdCodecException(
                                    "more than " + MAX_HELD_BYTES + " bytes sent before the last request was answered");
                        }
                        return;
                    case BAD:
                        in.skipBytes(in.readableBytes());
                        return;
                    default:
                        throw new IllegalStateException("unknown state: " + state);
                }
            }
        } catch (TcprocdCodecException e) {
            fail(in);
            throw e;
        }
    }

    /** While holding, reading more is the next stage's business: do not ask for more bytes. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (state == State.HELD) {
            ctx.fireChannelReadComplete();
        } else {
            super.channelReadComplete(ctx);
        }
    }

    /**
     * The peer shut its side. Held bytes stay held (Netty's decoder would decode what is left and
     * drop it): they are answered once the next stage takes them over.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent && state == State.HELD) {
            ctx.fireUserEventTriggered(evt);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    // NN<username> <- here (TCP credentials)
    private boolean decodeUsername(ByteBuf in) {
        skipLineBreaks(in);
        int length = peekField(in, SHORT_LENGTH_DIGITS, MAX_SHORT_FIELD, "username");
        if (length < 0) {
            return false;
        }
        username = readText(in, SHORT_LENGTH_DIGITS, length, "username");
        state = State.PASSWORD;
        return true;
    }

    // NN<password> <- here
    private boolean decodePassword(ByteBuf in, List<Object> out) {
        if (mode == Mode.PASSWORD) {
            skipLineBreaks(in);
        }
        int length = peekField(in, SHORT_LENGTH_DIGITS, MAX_SHORT_FIELD, "password");
        if (length < 0) {
            return false;
        }
        in.skipBytes(SHORT_LENGTH_DIGITS);
        byte[] password = ByteBufUtil.getBytes(in, in.readerIndex(), length);
        in.skipBytes(length);
        out.add(new TcprocdAuthRequest(username, password));
        username = null;
        state = State.HELD;
        return true;
    }

    // NN<command word> <- here, after any CR/LF left from the previous request
    private boolean decodeCommandWord(ByteBuf in, List<Object> out) {
        skipLineBreaks(in);
        int length = peekLength(in, SHORT_LENGTH_DIGITS, "command word");
        if (length < 0) {
            return false;
        }
        // Known early: no command word is shorter or longer than these.
        if (length < MIN_COMMAND_WORD || length > MAX_COMMAND_WORD) {
            throw new TcprocdCodecException("unknown command word of " + length + " bytes");
        }
        if (in.readableBytes() < SHORT_LENGTH_DIGITS + length) {
            return false;
        }
        TcprocdCommand found = TcprocdCommand.find(in, in.readerIndex() + SHORT_LENGTH_DIGITS, length);
        if (found == null) {
            throw new TcprocdCodecException("unknown command word");
        }
        in.skipBytes(SHORT_LENGTH_DIGITS + length);
        if (found == TcprocdCommand.LIST) {
            out.add(TcprocdListRequest.INSTANCE);
            resetDecoder();
        } else {
            command = found;
            state = State.NAME;
        }
        return true;
    }

    // NN<name> <- here
    private boolean decodeName(ByteBuf in, List<Object> out) {
        int length = peekLength(in, SHORT_LENGTH_DIGITS, "process name");
        if (length < 0) {
            return false;
        }
        if (length == 0 || length > MAX_NAME) {
            throw new TcprocdCodecException("a process name has 1 to " + MAX_NAME + " bytes, not " + length);
        }
        if (in.readableBytes() < SHORT_LENGTH_DIGITS + length) {
            return false;
        }
        int start = in.readerIndex() + SHORT_LENGTH_DIGITS;
        if (in.forEachByte(start, length, NAME_BYTES) != -1) {
            throw new TcprocdCodecException("a process name may hold only [A-Za-z0-9._-]");
        }
        name = in.toString(start, length, StandardCharsets.US_ASCII);
        in.skipBytes(SHORT_LENGTH_DIGITS + length);
        switch (command) {
            case START:
                state = State.COMMAND_LINE;
                break;
            case CAT:
                state = State.START_LINE;
                break;
            case COMMAND:
                state = State.STDIN_LINE;
                break;
            case KILL:
                out.add(new TcprocdKillRequest(name));
                resetDecoder();
                break;
            case STATS:
                out.add(new TcprocdStatsRequest(name));
                resetDecoder();
                break;
            case ATTACH:
                out.add(new TcprocdAttachRequest(name));
                resetDecoder();
                // What follows is lines for the process if the attach is accepted: hold it.
                state = State.HELD;
                break;
            default:
                throw new IllegalStateException("no name expected for " + command);
        }
        return true;
    }

    // NNN<command line> <- here (start)
    private boolean decodeCommandLine(ByteBuf in) {
        int length = peekField(in, LONG_LENGTH_DIGITS, MAX_LONG_FIELD, "command line");
        if (length < 0) {
            return false;
        }
        commandLine = readText(in, LONG_LENGTH_DIGITS, length, "command line");
        state = State.PATH;
        return true;
    }

    // NNN<path> <- here (start; 000 for the default)
    private boolean decodePath(ByteBuf in, List<Object> out) {
        int length = peekField(in, LONG_LENGTH_DIGITS, MAX_LONG_FIELD, "path");
        if (length < 0) {
            return false;
        }
        String path = readText(in, LONG_LENGTH_DIGITS, length, "path");
        out.add(new TcprocdStartRequest(name, commandLine, path));
        resetDecoder();
        return true;
    }

    // N<start line digits> <- here (cat): one digit tells how many digits follow
    private boolean decodeStartLine(ByteBuf in, List<Object> out) {
        int count = peekLength(in, NUMBER_LENGTH_DIGITS, "start line's digits");
        if (count < 0) {
            return false;
        }
        if (count == 0) {
            throw new TcprocdCodecException("a start line has 1 to " + MAX_NUMBER_DIGITS + " digits, not 0");
        }
        if (in.readableBytes() < NUMBER_LENGTH_DIGITS + count) {
            // Check the digits that have arrived, so that garbage is refused at once.
            parseDigits(
                    in,
                    in.readerIndex() + NUMBER_LENGTH_DIGITS,
                    in.readableBytes() - NUMBER_LENGTH_DIGITS,
                    "the start line");
            return false;
        }
        long startLine = parseDigits(in, in.readerIndex() + NUMBER_LENGTH_DIGITS, count, "the start line");
        in.skipBytes(NUMBER_LENGTH_DIGITS + count);
        out.add(new TcprocdCatRequest(name, startLine));
        resetDecoder();
        return true;
    }

    // NNN<line> <- here (command)
    private boolean decodeStdinLine(ByteBuf in, List<Object> out) {
        int length = peekField(in, LONG_LENGTH_DIGITS, MAX_LONG_FIELD, "stdin line");
        if (length < 0) {
            return false;
        }
        in.skipBytes(LONG_LENGTH_DIGITS);
        byte[] line = ByteBufUtil.getBytes(in, in.readerIndex(), length);
        in.skipBytes(length);
        out.add(new TcprocdCommandRequest(name, line));
        resetDecoder();
        return true;
    }

    /**
     * The length of the field {@code LEN FIELD} at the reader index when all of it has arrived, -1
     * when not yet. Throws as soon as the length is malformed or over {@code max}. Consumes nothing.
     */
    private int peekField(ByteBuf in, int lengthDigits, int max, String field) {
        int length = peekLength(in, lengthDigits, field);
        if (length < 0) {
            return -1;
        }
        if (length > max) {
            throw new TcprocdCodecException("the " + field + " is longer than " + max + " bytes");
        }
        return in.readableBytes() < lengthDigits + length ? -1 : length;
    }

    /** The {@code lengthDigits}-digit number at the reader index, or -1 while digits are missing. */
    private int peekLength(ByteBuf in, int lengthDigits, String field) {
        int available = Math.min(in.readableBytes(), lengthDigits);
        long value = parseDigits(in, in.readerIndex(), available, "the length of the " + field);
        return available < lengthDigits ? -1 : (int) value;
    }

    /** The number in {@code count} ASCII digits at {@code index}; {@code what} names it for the error. */
    private long parseDigits(ByteBuf in, int index, int count, String what) {
        digits.reset();
        if (count > 0 && in.forEachByte(index, count, digits) != -1) {
            throw new TcprocdCodecException("a non-digit in " + what);
        }
        return digits.value;
    }

    /** Consumes {@code LEN FIELD} and returns FIELD, which must be UTF-8. */
    private static String readText(ByteBuf in, int lengthDigits, int length, String field) {
        int start = in.readerIndex() + lengthDigits;
        if (!ByteBufUtil.isText(in, start, length, StandardCharsets.UTF_8)) {
            throw new TcprocdCodecException("the " + field + " is not UTF-8");
        }
        String text = in.toString(start, length, StandardCharsets.UTF_8);
        in.skipBytes(lengthDigits + length);
        return text;
    }

    private static void skipLineBreaks(ByteBuf in) {
        while (in.isReadable()) {
            byte b = in.getByte(in.readerIndex());
            if (b != '\r' && b != '\n') {
                return;
            }
            in.skipBytes(1);
        }
    }

    private void fail(ByteBuf in) {
        resetDecoder();
        state = State.BAD;
        in.skipBytes(in.readableBytes());
    }

    private void resetDecoder() {
        switch (mode) {
            case USER_AND_PASSWORD:
                state = State.USERNAME;
                break;
            case PASSWORD:
                state = State.PASSWORD;
                break;
            case HOLD:
                state = State.HELD;
                break;
            default:
                state = State.COMMAND_WORD;
        }
        command = null;
        username = null;
        name = null;
        commandLine = null;
    }

    /** Accumulates ASCII digits; stops at the first non-digit. At most nine digits, so no overflow. */
    private static final class DigitsProcessor implements ByteProcessor {
        long value;

        void reset() {
            value = 0;
        }

        @Override
        public boolean process(byte value) {
            if (value < '0' || value > '9') {
                return false;
            }
            this.value = this.value * 10 + (value - '0');
            return true;
        }
    }
}
