package io.procgate.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.procgate.core.config.ConfigException;
import io.procgate.core.config.ConfigValidator;
import io.procgate.core.config.GatewaySettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the gateway's configuration: a HOCON file (or string) layered over every module's {@code
 * reference.conf}, resolved ({@code ${?ENV}} substitutions read the environment), then validated:
 * unknown keys anywhere under {@code gateway} (see {@link ConfigValidator}), wrong types, bad
 * values. Every problem is a {@link com.typesafe.config.ConfigException} whose message is one
 * line naming the key and where it was written.
 */
public final class GatewayConfig {
    private GatewayConfig() {}

    /** The defaults, with {@code file} (HOCON) over them when it is not null. */
    public static Config load(Path fileOrNull) {
        Config user = ConfigFactory.empty();
        if (fileOrNull != null) {
            if (!Files.isRegularFile(fileOrNull)) {
                throw new ConfigException("cannot read config file " + fileOrNull + ": "
                        + (Files.exists(fileOrNull) ? "not a regular file" : "no such file"));
            }
            if (!Files.isReadable(fileOrNull)) {
                throw new ConfigException("cannot read config file " + fileOrNull + ": permission denied");
            }
            user = ConfigFactory.parseFile(
                    fileOrNull.toFile(),
                    ConfigParseOptions.defaults().setAllowMissing(false).setClassLoader(classLoader()));
        }
        return finish(user);
    }

    /** The defaults, with {@code hocon} over them. */
    public static Config parse(String hocon) {
        return finish(ConfigFactory.parseString(
                hocon,
                ConfigParseOptions.defaults().setOriginDescription("config").setClassLoader(classLoader())));
    }

    /**
     * Checks a full configuration (defaults merged, resolved) and reads the core's settings from it.
     *
     * @throws com.typesafe.config.ConfigException with a one-line message
     */
    public static GatewaySettings validate(Config config) {
        ConfigValidator.validate(config, reference(), Plugins.names(Plugins.load()));
        return GatewaySettings.from(config);
    }

    /** Every module's {@code reference.conf}, merged. */
    static Config reference() {
        return ConfigFactory.defaultReference(classLoader());
    }

    /**
     * The same, before substitutions: defaults that refer to other keys (the default tcprocd socket
     * in {@code ${gateway.data-dir}}) then follow what the user's file sets for those keys.
     */
    static Config referenceUnresolved() {
        return ConfigFactory.defaultReferenceUnresolved(classLoader());
    }

    /**
     * The thread's context class loader, or this module's when there is none (signal handler
     * threads have none): Typesafe Config and the plugin lookup need one.
     */
    static ClassLoader classLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : GatewayConfig.class.getClassLoader();
    }

    private static Config finish(Config user) {
        Config full = user.withFallback(referenceUnresolved()).resolve();
        validate(full);
        return full;
    }
}
