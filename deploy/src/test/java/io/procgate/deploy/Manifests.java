package io.procgate.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The files of {@code deploy/kubernetes/}, each document parsed into the type its {@code
 * apiVersion} and {@code kind} name: Kubernetes' own (fabric8 kubernetes-model) or Agones' (see
 * {@link AgonesCrd}). Parsing is strict: fabric8's model keeps unknown fields in an "additional
 * properties" map rather than failing, so that catch-all is switched off here, and any field the
 * type does not have fails the parse, as a typo in a field name must.
 */
final class Manifests {
    static final Path DIR = root().resolve("deploy/kubernetes");

    /** The type of each {@code apiVersion/kind} the files may hold. */
    static final Map<String, Class<?>> TYPES = Map.of(
            "v1/ConfigMap",
            ConfigMap.class,
            "v1/Secret",
            Secret.class,
            "v1/Service",
            Service.class,
            "apps/v1/StatefulSet",
            StatefulSet.class,
            AgonesCrd.API_VERSION + "/Fleet",
            AgonesCrd.Fleet.class,
            AgonesCrd.API_VERSION + "/GameServer",
            AgonesCrd.GameServer.class);

    static final YAMLMapper STRICT = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .addModule(new SimpleModule("no-catch-all").setDeserializerModifier(new NoAnySetter()))
            .build();

    private Manifests() {}

    static Path root() {
        return Path.of(System.getProperty("procgate.root", ".."))
                .toAbsolutePath()
                .normalize();
    }

    /** Drops every type's "any setter", so that an unknown field is an error, not extra data. */
    private static final class NoAnySetter extends ValueDeserializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        public BeanDeserializerBuilder updateBuilder(
                DeserializationConfig config, BeanDescription.Supplier description, BeanDeserializerBuilder builder) {
            builder.setAnySetter(null);
            return builder;
        }
    }

    /** Every {@code .yaml} file in {@code deploy/kubernetes/}. */
    static List<Path> files() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documents of a YAML text, as trees. */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = STRICT.readerFor(JsonNode.class).readValues(yaml)) {
            docs.forEachRemaining(n -> {
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(n);
                }
            });
        }
        return out;
    }

    /** Each document of {@code yaml} as its typed value (throws on an unknown kind or field). */
    static List<Object> parse(String yaml) {
        List<Object> out = new ArrayList<>();
        for (JsonNode doc : documents(yaml)) {
            String key =
                    doc.path("apiVersion").asString() + "/" + doc.path("kind").asString();
            Class<?> type = TYPES.get(key);
            if (type == null) {
                throw new IllegalArgumentException("no type for " + key);
            }
            Object value = STRICT.treeToValue(doc, type);
            if (value instanceof AgonesCrd.Fleet f) {
                AgonesCrd.check(f);
            } else if (value instanceof AgonesCrd.GameServer g) {
                AgonesCrd.check(g);
            }
            out.add(value);
        }
        return out;
    }

    static List<Object> parse(Path file) {
        return parse(read(file));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one document of type {@code type} in {@code file} (throws if there is not exactly one). */
    static <T> T one(String file, Class<T> type) {
        List<T> found = all(file, type);
        if (found.size() != 1) {
            throw new IllegalStateException(file + " has " + found.size() + " " + type.getSimpleName());
        }
        return found.get(0);
    }

    static <T> List<T> all(String file, Class<T> type) {
        return parse(DIR.resolve(file)).stream()
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }
}
