package io.procgate.tcprocd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded random valid requests, for split and round-trip tests. */
final class RandomRequests {
    private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    private static final String[] TEXT_PIECES = {"a", "Z", " ", "'", "\"", "\\", "-x", "/", "é", "€", "𝄞", "\t", "0"};

    private final Random random;

    RandomRequests(long seed) {
        this.random = new Random(seed);
    }

    List<TcprocdRequest> requests(int count) {
        List<TcprocdRequest> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(request());
        }
        return list;
    }

    TcprocdRequest request() {
        switch (random.nextInt(7)) {
            case 0:
                return TcprocdListRequest.INSTANCE;
            case 1:
                return new TcprocdStartRequest(name(), text(999), text(999));
            case 2:
                return new TcprocdKillRequest(name());
            case 3:
                return new TcprocdCatRequest(name(), number());
            case 4:
                return new TcprocdCommandRequest(name(), bytes(999));
            case 5:
                return new TcprocdStatsRequest(name());
            default:
                return new TcprocdAttachRequest(name());
        }
    }

    TcprocdAuthRequest credentials(boolean withUser) {
        return new TcprocdAuthRequest(withUser ? text(99) : null, bytes(99));
    }

    String name() {
        int length = 1 + random.nextInt(random.nextInt(8) == 0 ? 64 : 12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        return sb.toString();
    }

    /** UTF-8 text of at most {@code maxBytes} bytes, usually short. */
    String text(int maxBytes) {
        int target =
                random.nextInt(10) == 0 ? random.nextInt(maxBytes + 1) : random.nextInt(Math.min(40, maxBytes + 1));
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        while (true) {
            String piece = TEXT_PIECES[random.nextInt(TEXT_PIECES.length)];
            int size = piece.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > target) {
                return sb.toString();
            }
            sb.append(piece);
            bytes += size;
        }
    }

    byte[] bytes(int maxBytes) {
        int length =
                random.nextInt(10) == 0 ? random.nextInt(maxBytes + 1) : random.nextInt(Math.min(40, maxBytes + 1));
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    long number() {
        switch (random.nextInt(4)) {
            case 0:
                return random.nextInt(10);
            case 1:
                return 999_999_999L;
            default:
                return random.nextInt(1_000_000_000);
        }
    }

    /** Sometimes CR/LF between requests. */
    byte[] separator() {
        switch (random.nextInt(7)) {
            case 0:
                return new byte[] {'\n'};
            case 1:
                return new byte[] {'\r', '\n'};
            default:
                return new byte[0];
        }
    }
}
