package io.procgate.deploy;

import com.typesafe.config.Config;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.procgate.core.GatewayConfig;
import io.procgate.core.auth.Pbkdf2PasswordHasher;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway configuration a Pod of these files runs: the image's {@code docker/gateway.conf}
 * with the ConfigMap's {@code local.conf} read last (where the image includes it), and the
 * Secret's password hashes in the variables the config names.
 */
final class ShippedConfig {
    static final String ADMIN_PASSWORD = "admin-secret";
    static final String TCPR_PASSWORD = "tcpr-secret";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{\\??(PROCGATE_[A-Z_]+)}");
    private static final String INCLUDE = "include file(\"/etc/procgate/local.conf\")";

    private ShippedConfig() {}

    static String localConf() {
        return Manifests.one("config.yaml", ConfigMap.class).getData().get("local.conf");
    }

    static String gameScript() {
        return Manifests.one("config.yaml", ConfigMap.class).getData().get("game.sh");
    }

    /** The variables local.conf reads: each must come from the Secret. */
    static Set<String> variables() {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = VARIABLE.matcher(localConf());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The image's config, then local.conf, then {@code overrides}: as HOCON text, with the hashes set. */
    static String hocon(String overrides) {
        String image = Manifests.read(Manifests.root().resolve("docker/gateway.conf"));
        if (!image.contains(INCLUDE)) {
            throw new IllegalStateException("docker/gateway.conf no longer includes " + INCLUDE);
        }
        Pbkdf2PasswordHasher hasher = new Pbkdf2PasswordHasher(Pbkdf2PasswordHasher.MIN_ITERATIONS);
        return "PROCGATE_ADMIN_PASSWORD_HASH = \"" + hasher.hash(ADMIN_PASSWORD.toCharArray()) + "\"\n"
                + "PROCGATE_TCPR_PASSWORD_HASH = \"" + hasher.hash(TCPR_PASSWORD.toCharArray()) + "\"\n"
                + image.replace(INCLUDE, "") + "\n" + localConf() + "\n" + overrides;
    }

    /** The configuration, defaults merged and checked as the gateway checks it. */
    static Config validate() {
        return Checked.CONFIG;
    }

    /** Checked once: loading every plugin's defaults is not free. */
    private static final class Checked {
        static final Config CONFIG = GatewayConfig.parse(hocon(""));
    }

    static Config agones() {
        return validate().getConfig("gateway.agones");
    }

    static String gameCommand() {
        return validate().getString("gateway.processes.game.command");
    }

    static int tcprocdPort() {
        return validate().getConfigList("gateway.tcprocd.listeners").get(0).getInt("port");
    }

    static int tcprPort() {
        return validate().getConfigList("gateway.tcpr.listeners").get(0).getInt("port");
    }

    static int httpPort() {
        return validate().getInt("gateway.http.port");
    }

    static long shutdownTimeoutSeconds() {
        return validate().getDuration("gateway.shutdown-timeout").toSeconds();
    }
}
