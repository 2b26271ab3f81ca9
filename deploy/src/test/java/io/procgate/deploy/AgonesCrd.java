package io.procgate.deploy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.List;
import java.util.Map;

/**
 * Agones' {@code Fleet} and {@code GameServer} (group {@code agones.dev}, version {@code v1}) as
 * typed values, field for field from the openAPIV3Schema of Agones' CRDs ({@code
 * install/helm/agones/templates/crds/fleet.yaml}, {@code gameserver.yaml} and {@code
 * _gameserverspecschema.yaml} in googleforgames/agones): a field the schema does not have fails
 * the parse, an enum value it does not list fails the parse, and {@link #check} applies the
 * schema's bounds and patterns. The Pod template is Kubernetes' own {@link PodTemplateSpec}.
 * Status fields are left out: a manifest does not set them. Enum constants are spelt as the
 * schema's values are, since they are those values.
 */
final class AgonesCrd {
    static final String API_VERSION = "agones.dev/v1";
    private static final int MAX_PORT = 65535;
    private static final int MAX_LIST_ITEMS = 1000;
    private static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    private AgonesCrd() {}

    record Fleet(String apiVersion, String kind, ObjectMeta metadata, FleetSpec spec) {}

    record FleetSpec(
            Integer replicas,
            AllocationOverflow allocationOverflow,
            Scheduling scheduling,
            Strategy strategy,
            List<Priority> priorities,
            GameServerTemplate template) {}

    record AllocationOverflow(Map<String, String> labels, Map<String, String> annotations) {}

    record Strategy(StrategyType type, RollingUpdate rollingUpdate) {}

    record RollingUpdate(IntOrString maxSurge, IntOrString maxUnavailable) {}

    record Priority(PriorityType type, String key, Order order) {}

    /** A Fleet's template: the CRD allows metadata (ObjectMeta) and the GameServer spec. */
    record GameServerTemplate(ObjectMeta metadata, GameServerSpec spec) {}

    record GameServer(String apiVersion, String kind, ObjectMeta metadata, GameServerSpec spec) {}

    record GameServerSpec(
            PodTemplateSpec template,
            String container,
            List<Port> ports,
            SdkServer sdkServer,
            Scheduling scheduling,
            Health health,
            Players players,
            Map<String, Counter> counters,
            Map<String, ListSpec> lists,
            Eviction eviction,
            Integer immutableReplicas) {}

    record Port(
            String name,
            String range,
            PortPolicy portPolicy,
            Protocol protocol,
            String container,
            Integer containerPort,
            Integer hostPort) {}

    record SdkServer(LogLevel logLevel, Integer grpcPort, Integer httpPort) {}

    record Health(Boolean disabled, Integer initialDelaySeconds, Integer periodSeconds, Integer failureThreshold) {}

    record Players(Integer initialCapacity) {}

    record Counter(Integer count, Integer capacity) {}

    record ListSpec(Integer capacity, List<String> values) {}

    record Eviction(EvictionSafe safe) {}

    enum Scheduling {
        Packed,
        Distributed
    }

    enum StrategyType {
        Recreate,
        RollingUpdate
    }

    enum PriorityType {
        Counter,
        List
    }

    enum Order {
        Ascending,
        Descending
    }

    enum PortPolicy {
        Dynamic,
        Static,
        Passthrough,
        None
    }

    enum Protocol {
        UDP,
        TCP,
        TCPUDP
    }

    enum LogLevel {
        Error,
        Info,
        Debug,
        Trace
    }

    enum EvictionSafe {
        Always,
        OnUpgrade,
        Never
    }

    /** The schema's required fields, bounds and patterns; throws naming the field. */
    static void check(Fleet fleet) {
        require(API_VERSION.equals(fleet.apiVersion()), "apiVersion " + fleet.apiVersion());
        require(fleet.spec() != null, "Fleet spec is required");
        require(fleet.spec().replicas() == null || fleet.spec().replicas() >= 0, "spec.replicas >= 0");
        require(fleet.spec().template() != null, "Fleet spec.template is required");
        check(fleet.spec().template().spec(), "spec.template.spec");
    }

    static void check(GameServer gameServer) {
        require(API_VERSION.equals(gameServer.apiVersion()), "apiVersion " + gameServer.apiVersion());
        check(gameServer.spec(), "spec");
    }

    private static void check(GameServerSpec spec, String path) {
        require(spec != null, path + " is required");
        require(spec.template() != null, path + ".template is required");
        if (spec.container() != null) {
            require(spec.container().length() <= 63 && spec.container().matches(DNS_LABEL), path + ".container");
        }
        if (spec.ports() != null) {
            for (Port p : spec.ports()) {
                requirePort(p.containerPort(), path + ".ports[" + p.name() + "].containerPort");
                requirePort(p.hostPort(), path + ".ports[" + p.name() + "].hostPort");
                require(p.portPolicy() != PortPolicy.Static || p.hostPort() != null, "a Static port needs hostPort");
            }
        }
        if (spec.sdkServer() != null) {
            requirePort(spec.sdkServer().grpcPort(), path + ".sdkServer.grpcPort");
            requirePort(spec.sdkServer().httpPort(), path + ".sdkServer.httpPort");
        }
        if (spec.health() != null) {
            Health h = spec.health();
            require(
                    h.initialDelaySeconds() == null || h.initialDelaySeconds() >= 0,
                    path + ".health.initialDelaySeconds");
            require(h.periodSeconds() == null || h.periodSeconds() >= 0, path + ".health.periodSeconds");
            require(h.failureThreshold() == null || h.failureThreshold() >= 1, path + ".health.failureThreshold");
        }
        if (spec.lists() != null) {
            require(spec.lists().size() <= MAX_LIST_ITEMS, path + ".lists: at most 1000");
            spec.lists().forEach((name, list) -> {
                require(
                        list.capacity() == null || (list.capacity() >= 0 && list.capacity() <= MAX_LIST_ITEMS),
                        path + ".lists." + name + ".capacity 0-1000");
                require(
                        list.values() == null
                                || list.values().stream().distinct().count()
                                        == list.values().size(),
                        path + ".lists." + name + ".values is a set");
            });
        }
        require(spec.immutableReplicas() == null || spec.immutableReplicas() == 1, path + ".immutableReplicas is 1");
    }

    private static void requirePort(Integer port, String what) {
        require(port == null || (port >= 1 && port <= MAX_PORT), what + " must be 1-65535, got " + port);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("not a valid Agones resource: " + what);
        }
    }
}
