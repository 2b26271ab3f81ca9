package io.procgate.tcprocd;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds request bytes as a client sends them, for tests. */
final class TcprocdWire {
    private TcprocdWire() {}

    static byte[] field(int digits, byte[] content) {
        String length = String.format("%0" + digits + "d", content.length);
        return concat(ascii(length), content);
    }

    static byte[] field(int digits, String content) {
        return field(digits, content.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] list() {
        return field(2, "list");
    }

    static byte[] start(String name, String commandLine, String path) {
        return concat(field(2, "start"), field(2, name), field(3, commandLine), field(3, path));
    }

    static byte[] kill(String name) {
        return concat(field(2, "kill"), field(2, name));
    }

    static byte[] cat(String name, long startLine) {
        return concat(field(2, "cat"), field(2, name), field(1, Long.toString(startLine)));
    }

    static byte[] command(String name, String line) {
        return command(name, line.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] command(String name, byte[] line) {
        return concat(field(2, "command"), field(2, name), field(3, line));
    }

    static byte[] attach(String name) {
        return concat(field(2, "attach"), field(2, name));
    }

    static byte[] stats(String name) {
        return concat(field(2, "stats"), field(2, name));
    }

    static byte[] credentials(String user, String password) {
        return concat(field(2, user), field(2, password));
    }

    /** The bytes a request message is sent as. */
    static byte[] encode(TcprocdMessage message) {
        if (message instanceof TcprocdListRequest) {
            return list();
        } else if (message instanceof TcprocdStartRequest) {
            TcprocdStartRequest start = (TcprocdStartRequest) message;
            return start(start.name(), start.commandLine(), start.path());
        } else if (message instanceof TcprocdKillRequest) {
            return kill(((TcprocdKillRequest) message).name());
        } else if (message instanceof TcprocdCatRequest) {
            TcprocdCatRequest cat = (TcprocdCatRequest) message;
            return cat(cat.name(), cat.startLine());
        } else if (message instanceof TcprocdCommandRequest) {
            TcprocdCommandRequest command = (TcprocdCommandRequest) message;
            return command(command.name(), command.line());
        } else if (message instanceof TcprocdAttachRequest) {
            return attach(((TcprocdAttachRequest) message).name());
        } else if (message instanceof TcprocdStatsRequest) {
            return stats(((TcprocdStatsRequest) message).name());
        } else if (message instanceof TcprocdAuthRequest) {
            TcprocdAuthRequest auth = (TcprocdAuthRequest) message;
            byte[] password = field(2, auth.password());
            return auth.username() == null ? password : concat(field(2, auth.username()), password);
        }
        throw new IllegalArgumentException(String.valueOf(message));
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
