package io.procgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The client side of TLS for {@code tcproc --tls}: TLS 1.2 or 1.3, trusting a CA file or the JDK's store. */
final class Tls {
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private Tls() {}

    /**
     * A context trusting the certificates of {@code caFile} (PEM, one or more), or the JDK's trusted
     * authorities when it is null.
     */
    static SSLContext context(Path caFile) throws IOException {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int n = 0;
                try (InputStream in = Files.newInputStream(caFile)) {
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        trust.setCertificateEntry("ca" + n++, c);
                    }
                }
                if (n == 0) {
                    throw new IOException("no certificate in " + caFile);
                }
                tmf.init(trust);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use CA file " + caFile + ": " + e.getMessage(), e);
        }
    }
}
