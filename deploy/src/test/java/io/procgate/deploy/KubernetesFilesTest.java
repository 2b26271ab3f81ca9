package io.procgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every file of {@code deploy/kubernetes/} against the Kubernetes API's own types (and Agones'
 * CRD), with unknown fields rejected; then what the files must say to each other: the ports the
 * config listens on, the probes, the volumes, the Secret's keys.
 */
class KubernetesFilesTest {
    private static final int HTTP_PORT = 9100;
    private static final String DATA_DIR = "/var/lib/procgate";
    private static final String LOCAL_CONF = "/etc/procgate/local.conf";

    @Test
    void everyDocumentOfEveryFileParsesIntoItsTypedModel() {
        List<Path> files = Manifests.files();
        assertThat(files.stream().map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("config.yaml", "fleet.yaml", "gameserver.yaml", "statefulset.yaml");
        Set<Class<?>> seen = files.stream()
                .flatMap(f -> Manifests.parse(f).stream())
                .map(Object::getClass)
                .collect(Collectors.toSet());
        assertThat(seen).containsExactlyInAnyOrderElementsOf(Manifests.TYPES.values());
    }

    @Test
    void aTypoInAFieldNameFailsTheCheckInEveryKindOfResource() {
        String gameServer = Manifests.read(Manifests.DIR.resolve("gameserver.yaml"));
        String statefulSet = Manifests.read(Manifests.DIR.resolve("statefulset.yaml"));
        String fleet = Manifests.read(Manifests.DIR.resolve("fleet.yaml"));
        String config = Manifests.read(Manifests.DIR.resolve("config.yaml"));
        Map<String, String> typos = Map.of(
                "the Agones part of a GameServer", gameServer.replace("portPolicy:", "portPolcy:"),
                "the Pod template of a GameServer", gameServer.replace("containerPort: 9100", "containerPrt: 9100"),
                "a Fleet's strategy", fleet.replace("maxSurge:", "maxSurg:"),
                "the Pod template of a Fleet", fleet.replace("livenessProbe:", "livenesProbe:"),
                "a StatefulSet", statefulSet.replace("readinessProbe:", "readinesProbe:"),
                "a PersistentVolumeClaim template", statefulSet.replace("accessModes:", "accesModes:"),
                "a Service", statefulSet.replace("targetPort: game", "tragetPort: game"),
                "a Secret", config.replace("stringData:", "stringdata:"));
        typos.forEach((where, yaml) -> assertThatThrownBy(() -> Manifests.parse(yaml))
                .as(where)
                .hasMessageContaining("Unrecognized property"));
    }

    @Test
    void aValueOutsideTheAgonesSchemaFailsTheCheck() {
        String gameServer = Manifests.read(Manifests.DIR.resolve("gameserver.yaml"));
        assertThatThrownBy(() -> Manifests.parse(gameServer.replace("portPolicy: Dynamic", "portPolicy: Dinamic")))
                .hasMessageContaining("Dinamic");
        assertThatThrownBy(() -> Manifests.parse(gameServer.replace("containerPort: 25565", "containerPort: 70000")))
                .hasMessageContaining("containerPort must be 1-65535");
        assertThatThrownBy(() -> Manifests.parse(gameServer.replace("capacity: 32", "capacity: 5000")))
                .hasMessageContaining("capacity 0-1000");
        assertThatThrownBy(() ->
                        Manifests.parse(gameServer.replace("apiVersion: agones.dev/v1", "apiVersion: agones.dev/v2")))
                .hasMessageContaining("no type for agones.dev/v2/GameServer");
    }

    @Test
    void theFleetsGameServersAreTheSingleGameServer() {
        AgonesCrd.Fleet fleet = Manifests.one("fleet.yaml", AgonesCrd.Fleet.class);
        AgonesCrd.GameServer single = Manifests.one("gameserver.yaml", AgonesCrd.GameServer.class);
        assertThat(fleet.spec().template().spec()).isEqualTo(single.spec());
        assertThat(fleet.spec().replicas()).isPositive();
    }

    @Test
    void theGameServerRunsTheGatewayWithItsPortsProbesConfigAndPlayerList() {
        AgonesCrd.GameServerSpec spec =
                Manifests.one("gameserver.yaml", AgonesCrd.GameServer.class).spec();
        PodSpec pod = spec.template().getSpec();
        Container gateway = container(pod, spec.container());
        assertThat(gateway.getImage()).startsWith("procgate");
        Map<String, Integer> ports =
                spec.ports().stream().collect(Collectors.toMap(AgonesCrd.Port::name, AgonesCrd.Port::containerPort));
        // the game, and the gateway's consoles at the ports its config listens on
        assertThat(ports)
                .containsEntry("game", 25565)
                .containsEntry("tcprocd", ShippedConfig.tcprocdPort())
                .containsEntry("tcpr", ShippedConfig.tcprPort());
        assertThat(spec.ports()).allSatisfy(p -> assertThat(p.portPolicy()).isEqualTo(AgonesCrd.PortPolicy.Dynamic));
        assertHealthz(gateway.getLivenessProbe(), gateway);
        assertConfigAndSecrets(pod, gateway);
        assertThat(mount(gateway, "data").getMountPath()).isEqualTo(DATA_DIR);
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("data");
            assertThat(v.getEmptyDir()).isNotNull();
        });
        // the SDK the gateway calls, and the List it keeps the players in
        assertThat(spec.sdkServer().httpPort()).isEqualTo(9358);
        assertThat(spec.lists()).containsKey(ShippedConfig.agones().getString("players.list"));
        // pings every health-interval: well inside Agones' period
        assertThat(ShippedConfig.agones().getDuration("health-interval").toSeconds())
                .isLessThan(spec.health().periodSeconds());
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(ShippedConfig.shutdownTimeoutSeconds());
    }

    @Test
    void theStatefulSetKeepsItsHistoryOnAClaimAndIsProbedOnReadyzAndHealthz() {
        StatefulSet set = Manifests.one("statefulset.yaml", StatefulSet.class);
        PodSpec pod = set.getSpec().getTemplate().getSpec();
        Container gateway = container(pod, "procgate");
        assertThat(set.getSpec().getReplicas()).isEqualTo(1);
        assertThat(set.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("data");
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(claim.getSpec().getResources().getRequests()).containsKey("storage");
        });
        assertThat(mount(gateway, "data").getMountPath()).isEqualTo(DATA_DIR);
        assertThat(gateway.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(gateway.getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("http");
        assertHealthz(gateway.getLivenessProbe(), gateway);
        assertConfigAndSecrets(pod, gateway);
        assertThat(gateway.getEnv()).noneMatch(e -> e.getName().startsWith("AGONES"));

        List<Service> services = Manifests.all("statefulset.yaml", Service.class);
        Map<String, String> podLabels =
                set.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(set.getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels);
        assertThat(services)
                .allSatisfy(s ->
                        assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector()));
        assertThat(services).anySatisfy(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo(set.getSpec().getServiceName());
            assertThat(s.getSpec().getClusterIP()).isEqualTo("None");
        });
        Set<String> containerPorts =
                gateway.getPorts().stream().map(ContainerPort::getName).collect(Collectors.toSet());
        assertThat(services.stream().flatMap(s -> s.getSpec().getPorts().stream()))
                .allSatisfy(p -> assertThat(containerPorts).contains(targetName(p)));
        assertThat(portNamed(gateway, "tcprocd")).isEqualTo(ShippedConfig.tcprocdPort());
        assertThat(portNamed(gateway, "tcpr")).isEqualTo(ShippedConfig.tcprPort());
        assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(ShippedConfig.shutdownTimeoutSeconds());
    }

    @Test
    void theConfigMapsSettingsAreAValidGatewayConfiguration() {
        ShippedConfig.validate();
        assertThat(ShippedConfig.agones().getString("enabled")).isEqualTo("auto");
        assertThat(ShippedConfig.agones().getString("process")).isEqualTo("game");
    }

    private static String targetName(ServicePort port) {
        return port.getTargetPort().getStrVal();
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream()
                .filter(c -> c.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static VolumeMount mount(Container c, String volume) {
        return c.getVolumeMounts().stream()
                .filter(m -> m.getName().equals(volume))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no mount of " + volume));
    }

    private static int portNamed(Container c, String name) {
        return c.getPorts().stream()
                .filter(p -> p.getName().equals(name))
                .findFirst()
                .orElseThrow()
                .getContainerPort();
    }

    /** /healthz on the container's port {@code http}, which is the gateway's health port. */
    private static void assertHealthz(Probe probe, Container gateway) {
        assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(portNamed(gateway, "http")).isEqualTo(HTTP_PORT).isEqualTo(ShippedConfig.httpPort());
    }

    /**
     * local.conf mounted from the ConfigMap where the image's gateway.conf includes it, the stand-in
     * game where its command runs it, and every password variable the config reads set from a key
     * the Secret has.
     */
    private static void assertConfigAndSecrets(PodSpec pod, Container gateway) {
        ConfigMap config = Manifests.one("config.yaml", ConfigMap.class);
        Secret secret = Manifests.one("config.yaml", Secret.class);
        assertThat(mount(gateway, "config").getMountPath()).isEqualTo(LOCAL_CONF);
        assertThat(mount(gateway, "config").getSubPath()).isEqualTo("local.conf");
        assertThat(ShippedConfig.gameCommand())
                .isEqualTo("sh " + mount(gateway, "game").getMountPath() + "/game.sh");
        assertThat(pod.getVolumes()).filteredOn(v -> v.getConfigMap() != null).allSatisfy(v -> {
            assertThat(v.getConfigMap().getName())
                    .isEqualTo(config.getMetadata().getName());
            assertThat(v.getConfigMap().getItems())
                    .allSatisfy(i -> assertThat(config.getData()).containsKey(i.getKey()));
        });
        Map<String, EnvVar> env = gateway.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        for (String variable : ShippedConfig.variables()) {
            EnvVar e = env.get(variable);
            assertThat(e).as("the container sets %s", variable).isNotNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo(secret.getMetadata().getName());
            assertThat(secret.getStringData())
                    .containsKey(e.getValueFrom().getSecretKeyRef().getKey());
        }
    }
}
