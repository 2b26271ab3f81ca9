package io.procgate.http;

import com.typesafe.config.Config;
import io.procgate.core.config.ConfigReader;
import io.procgate.core.net.BindAddress;
import io.procgate.core.net.TlsSettings;
import java.util.Set;

/**
 * The health and metrics listener, read once from {@code gateway.http}:
 * {@code { enabled = true, host = "127.0.0.1", port = 9100, tls = null }}.
 *
 * @param tls HTTPS when set ({@code tls { cert = "...", key = "..." }}), else plain HTTP
 */
record HttpSettings(boolean enabled, BindAddress.Tcp address, TlsSettings tls) {
    static final String PATH = "gateway.http";
    static final int DEFAULT_PORT = 9100;
    private static final Set<String> KEYS = Set.of("enabled", "host", "port", "tls");

    /**
     * @throws io.procgate.core.config.ConfigException naming the key for an unknown key or a bad value
     */
    static HttpSettings fromConfig(Config config) {
        ConfigReader r = ConfigReader.of(config, PATH);
        r.allowOnly(KEYS);
        boolean enabled = r.bool("enabled", true);
        String host = r.string("host", BindAddress.DEFAULT_HOST);
        if (host.isBlank()) {
            throw r.error("host", "must not be empty");
        }
        return new HttpSettings(enabled, new BindAddress.Tcp(host, r.port("port", DEFAULT_PORT)), r.tls());
    }
}
