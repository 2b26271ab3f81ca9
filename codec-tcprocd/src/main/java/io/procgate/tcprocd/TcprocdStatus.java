package io.procgate.tcprocd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.procgate.core.control.ControlStatus;
import java.nio.charset.StandardCharsets;

/**
 * The eight tcprocd status words. On the wire each is framed like a field: two length digits,
 * then the word ({@code 02OK}, {@code 05ERROR}, ...). The framed bytes are built once and shared.
 */
public enum TcprocdStatus {
    OK,
    /** The process does not exist (never known), or is not running where that matters. */
    OFFLINE,
    /** {@code start} of a name that is running. */
    EXISTS,
    /** An unexpected failure, or a command that cannot be executed. */
    UNKNOWN,
    /** Another user's process, or a child that would run as root. */
    PERMISSION_DENIED,
    /** A malformed request; the server closes the connection after it. */
    ERROR,
    /** Waiting for credentials. */
    AUTHENTICATION_REQUIRED,
    /** Wrong credentials; the server closes the connection after it. */
    AUTHENTICATION_ERROR;

    private final byte[] framed;
    private final ByteBuf shared;

    TcprocdStatus() {
        String word = name();
        this.framed = String.format("%02d%s", word.length(), word).getBytes(StandardCharsets.US_ASCII);
        this.shared = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(framed.length).writeBytes(framed).asReadOnly());
    }

    /** The framed status, e.g. {@code 02OK}, as a fresh array. */
    public byte[] framedBytes() {
        return framed.clone();
    }

    /** The number of bytes of the framed status. */
    public int framedLength() {
        return framed.length;
    }

    /** The framed status as a shared read-only buffer: a duplicate that need not be released. */
    ByteBuf sharedBuffer() {
        return shared.duplicate();
    }

    /** The wire status for the outcome of a process action. */
    public static TcprocdStatus of(ControlStatus status) {
        switch (status) {
            case OK:
                return OK;
            case OFFLINE:
                return OFFLINE;
            case EXISTS:
                return EXISTS;
            case PERMISSION_DENIED:
                return PERMISSION_DENIED;
            case ERROR:
                return ERROR;
            case UNKNOWN:
            default:
                return UNKNOWN;
        }
    }
}
