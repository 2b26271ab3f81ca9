package io.procgate.core.net;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * TLS on a TCP listener ({@code tls { cert = "server.pem", key = "server.key" }} in a listener
 * entry): the certificate chain and its private key as PEM files. The key must be unencrypted
 * PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey} and {@code openssl req
 * -newkey} write); RSA, EC and Ed25519 keys work. Only TLS 1.2 and 1.3 are offered.
 *
 * <p>The files are read when the gateway starts (a restart picks up a renewed certificate).
 */
public record TlsSettings(Path certificate, Path key) {
    /** The protocol versions offered: TLS 1.2 and newer. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** The config keys of a {@code tls} object. */
    public static final java.util.Set<String> KEYS = java.util.Set.of("cert", "key");

    public TlsSettings {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    /**
     * The server context for these files.
     *
     * @throws IllegalArgumentException with a one-line reason when a file is missing or unreadable,
     *     or does not hold a certificate or a PKCS#8 key
     */
    public SslContext serverContext() {
        for (Path file : new Path[] {certificate, key}) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("TLS file " + file + ": no such file");
            }
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("TLS file " + file + ": permission denied");
            }
        }
        try {
            return SslContextBuilder.forServer(certificate.toFile(), key.toFile())
                    .protocols(PROTOCOLS)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "TLS certificate " + certificate + " or key " + key
                            + " is not usable (PEM certificate and unencrypted" + " PKCS#8 key expected): "
                            + rootMessage(e),
                    e);
        }
    }

    /** A client context that trusts the certificates in {@code caFile} (PEM), or the JDK's trust store when null. */
    public static SslContext clientContext(Path caFile) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient().protocols(PROTOCOLS);
            if (caFile != null) {
                builder.trustManager(caFile.toFile());
            }
            return builder.build();
        } catch (SSLException e) {
            throw new UncheckedIOException(new IOException("cannot use CA file " + caFile + ": " + rootMessage(e), e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public String toString() {
        return "tls { cert = " + certificate + ", key = " + key + " }";
    }
}
