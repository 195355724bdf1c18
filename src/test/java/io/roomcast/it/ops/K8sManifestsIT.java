package io.roomcast.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.roomcast.config.ChatConfig;
import io.roomcast.config.RedisMode;
import io.roomcast.config.Setting;
import io.roomcast.support.Http;
import io.roomcast.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Keeps k8s/ and the code consistent, and the manifests valid against the Kubernetes API model. */
class K8sManifestsIT {
  /** The base every deployment builds on; {@code k8s/} itself and the overlays refer to it. */
  private static final Path K8S = Path.of("k8s/base");
  private static final Path OVERLAYS = Path.of("k8s/overlays");
  private static final Map<String, Class<?>> KINDS = Map.of(
      "Deployment", Deployment.class, "Service", Service.class, "PodDisruptionBudget", PodDisruptionBudget.class,
      "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class, "NetworkPolicy", NetworkPolicy.class,
      "Ingress", Ingress.class, "Secret", Secret.class);
  /** Jackson over the fabric8 model (generated from the Kubernetes OpenAPI schema): unknown fields fail. */
  private static final ObjectMapper STRICT = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(file.toFile())) {
      var it = new ObjectMapper(new YAMLFactory()).readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  private static Map<String, List<Object>> manifests() throws IOException {
    JsonNode kustomization = new ObjectMapper(new YAMLFactory()).readTree(K8S.resolve("kustomization.yaml").toFile());
    List<Path> files = new ArrayList<>();
    kustomization.get("resources").forEach(r -> files.add(K8S.resolve(r.asText())));
    files.add(K8S.resolve("secret.example.yaml"));
    Map<String, List<Object>> byKind = new HashMap<>();
    for (Path f : files) {
      assertThat(f).as("kustomization resource").exists();
      for (JsonNode doc : documents(f)) {
        String kind = doc.get("kind").asText();
        assertThat(KINDS).as("known kind in %s", f).containsKey(kind);
        Object typed = STRICT.treeToValue(doc, KINDS.get(kind));
        List<String> unknown = new ArrayList<>();
        unknownFields(typed, kind, unknown);
        assertThat(unknown).as("fields the Kubernetes model does not know, in %s", f).isEmpty();
        byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(typed);
      }
    }
    return byKind;
  }

  /**
   * The fabric8 model keeps fields it does not know in {@code additionalProperties} instead of failing: walk the
   * parsed object and report every such field with its path.
   */
  private static void unknownFields(Object o, String path, List<String> out) {
    if (o == null || !o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      if (o instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          unknownFields(list.get(i), path + "[" + i + "]", out);
        }
      } else if (o instanceof Map<?, ?> map) {
        map.forEach((k, v) -> unknownFields(v, path + "." + k, out));
      }
      return;
    }
    for (var m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
        continue;
      }
      try {
        Object value = m.invoke(o);
        if (m.getName().equals("getAdditionalProperties")) {
          if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
            extra.keySet().forEach(k -> out.add(path + "." + k));
          }
        } else {
          unknownFields(value, path + "." + m.getName().substring(3), out);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Deployment chat(Map<String, List<Object>> all) {
    return all.get("Deployment").stream().map(Deployment.class::cast)
        .filter(d -> d.getMetadata().getName().equals("roomcast")).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("every manifest parses strictly into its Kubernetes kind (no unknown or mistyped field)")
  void manifestsAreValid() throws IOException {
    Map<String, List<Object>> all = manifests();
    assertThat(all.keySet()).contains("Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler",
        "NetworkPolicy", "Ingress", "Secret");
    Deployment d = chat(all);
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getEnableServiceLinks()).isFalse();
    Container c = pod.getContainers().get(0);
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getTopologySpreadConstraints()).isNotEmpty();
    assertThat(c.getLifecycle().getPreStop()).isNotNull();
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
  }

  @Test
  @DisplayName("probes use routes and the port the server serves; env names are settings; the config mount is CHAT_CONFIG_FILE")
  void manifestsMatchTheCode() throws IOException {
    Deployment d = chat(manifests());
    var pod = d.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    Map<String, String> env = c.getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "(from " + e.getValueFrom() + ")" : e.getValue()));

    Set<String> known = Stream.of(Setting.values()).map(Setting::env).collect(Collectors.toSet());
    known.add(Setting.CONFIG_FILE_ENV);
    known.add("JAVA_TOOL_OPTIONS");
    assertThat(env.keySet()).as("every env var is a setting").allMatch(known::contains);

    Map<String, Integer> ports = c.getPorts().stream()
        .collect(Collectors.toMap(p -> p.getName(), p -> p.getContainerPort()));
    assertThat(env.get("PORT")).isEqualTo(String.valueOf(ports.get("http")));
    assertThat(env.get("CHAT_MANAGEMENT_PORT")).as("health and metrics on a port of their own")
        .isEqualTo(String.valueOf(ports.get("management")));
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/port"))
        .isEqualTo(String.valueOf(ports.get("management")));
    List<Probe> probes = List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe());
    try (TestNode node = TestNode.start(Map.of("CHAT_MANAGEMENT_PORT", "0"))) {
      for (Probe p : probes) {
        HTTPGetAction get = p.getHttpGet();
        assertThat(get.getPort().getStrVal()).isEqualTo("management");
        assertThat(Http.get(node.node().managementPort(), get.getPath()).statusCode()).as(get.getPath()).isEqualTo(200);
        assertThat(Http.get(node.port(), get.getPath()).statusCode()).as("%s not public", get.getPath()).isEqualTo(404);
      }
    }

    VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals("config")).findFirst().orElseThrow();
    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals("config")).findFirst().orElseThrow();
    ConfigMapVolumeSource source = volume.getConfigMap();
    assertThat(env.get("CHAT_CONFIG_FILE")).isEqualTo(mount.getMountPath() + "/config.json");
    assertThat(source.getName()).isEqualTo("roomcast-config");
    JsonNode kustomization = new ObjectMapper(new YAMLFactory()).readTree(K8S.resolve("kustomization.yaml").toFile());
    assertThat(kustomization.get("configMapGenerator").get(0).get("files").get(0).asText()).isEqualTo("config.json");

    JsonObject mounted = new JsonObject(Files.readString(K8S.resolve("config.json")));
    Set<String> keys = Stream.of(Setting.values()).map(Setting::key).collect(Collectors.toSet());
    assertThat(mounted.fieldNames()).as("the mounted file uses known keys").allMatch(keys::contains);
    JsonObject defaults = new JsonObject(Files.readString(Path.of("conf/config.json")));
    int drain = mounted.getInteger("drainSeconds", defaults.getInteger("drainSeconds"));
    int preStop = c.getLifecycle().getPreStop().getSleep().getSeconds().intValue();
    assertThat(pod.getTerminationGracePeriodSeconds()).as("grace period covers preStop and the drain window")
        .isGreaterThan(preStop + drain);
  }

  @Test
  @DisplayName("the Ingress routes only the WebSocket, the HTTP API and the web page's files")
  void ingressRoutesOnlyPublicPaths() throws IOException {
    Ingress ingress = (Ingress) manifests().get("Ingress").get(0);
    Map<String, String> routed = new HashMap<>();
    ingress.getSpec().getRules().forEach(r -> r.getHttp().getPaths().forEach(p -> routed.put(p.getPath(), p.getPathType())));
    Set<String> page = new java.util.TreeSet<>();
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/webroot"))) {
      files.forEach(f -> page.add("/" + f.getFileName()));
    }
    Set<String> expected = new java.util.TreeSet<>(page);
    expected.addAll(List.of("/", "/ws", "/api/"));
    assertThat(routed.keySet()).as("routed paths").isEqualTo(expected);
    routed.forEach((path, type) -> assertThat(type).as(path).isEqualTo(path.equals("/api/") ? "Prefix" : "Exact"));
  }

  @Test
  @DisplayName("every series the Grafana dashboard queries is one the server exports")
  void dashboardUsesExportedSeries() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(K8S.resolve("grafana-dashboard.json")));
    Set<String> used = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(roomcast|jvm|process)_[a-z_]+").matcher(dashboard.encode());
    while (m.find()) {
      used.add(m.group().replaceAll("_(bucket|count|sum|max)$", ""));
    }
    assertThat(used).hasSizeGreaterThan(8);
    try (io.roomcast.support.RedisServer redis = io.roomcast.support.RedisServer.startProcess();
        TestNode node = TestNode.start(Map.of("REDIS_URL", redis.url()))) {
      TestNode.awaitReady(node);
      // the GC pause series exists once a collection was seen: make sure one was
      System.gc();
      io.roomcast.support.Await.until("a GC pause recorded", java.time.Duration.ofSeconds(10),
          () -> Http.get(node.node().managementPort(), "/metrics").body().contains("jvm_gc_pause_seconds_count"));
      String exported = Http.get(node.node().managementPort(), "/metrics").body();
      for (String series : used) {
        assertThat(exported).as("exported: %s", series).containsPattern("(?m)^" + series + "(_bucket|_count|_sum|_max)?[{ ]");
      }
    }
  }

  private static JsonNode yaml(Path file) throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
  }

  @Test
  @DisplayName("kubectl apply -k k8s/ deploys the base, and each overlay is the base with its mode (rooms, cluster): "
      + "patch targets exist, the env is made of settings, and the result is a config the server accepts")
  void overlaysBuildOnTheBase() throws IOException {
    assertThat(yaml(Path.of("k8s/kustomization.yaml")).get("resources")).as("k8s/ is the base")
        .containsExactly(new com.fasterxml.jackson.databind.node.TextNode("base"));
    Map<String, List<Object>> base = manifests();
    Set<String> baseObjects = new java.util.HashSet<>();
    for (String kind : KINDS.keySet()) {
      for (Object o : base.getOrDefault(kind, List.of())) {
        baseObjects.add(kind + "/" + ((io.fabric8.kubernetes.api.model.HasMetadata) o).getMetadata().getName());
      }
    }
    Set<String> known = Stream.of(Setting.values()).map(Setting::env).collect(Collectors.toSet());
    Map<String, RedisMode> expected = Map.of("rooms", RedisMode.ROOMS, "cluster", RedisMode.CLUSTER);
    try (Stream<Path> dirs = Files.list(OVERLAYS)) {
      assertThat(dirs.map(d -> d.getFileName().toString())).containsExactlyInAnyOrderElementsOf(expected.keySet());
    }
    for (var overlay : expected.entrySet()) {
      Path dir = OVERLAYS.resolve(overlay.getKey());
      JsonNode k = yaml(dir.resolve("kustomization.yaml"));
      assertThat(k.get("resources")).as("%s builds on the base", dir)
          .containsExactly(new com.fasterxml.jackson.databind.node.TextNode("../../base"));
      // start from the base Deployment's env, apply the overlay's strategic-merge patches (env merges by name)
      Map<String, EnvVar> env = new java.util.LinkedHashMap<>();
      chat(base).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().forEach(e -> env.put(e.getName(), e));
      for (JsonNode patch : k.get("patches")) {
        if (patch.has("path")) {
          Path file = dir.resolve(patch.get("path").asText());
          for (JsonNode doc : documents(file)) {
            String kind = doc.get("kind").asText();
            Object typed = STRICT.treeToValue(doc, KINDS.get(kind));
            String name = doc.get("metadata").get("name").asText();
            assertThat(baseObjects).as("%s patches an object of the base", file).contains(kind + "/" + name);
            if (typed instanceof Deployment d && name.equals("roomcast")) {
              d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().forEach(e -> {
                assertThat(known).as("%s: %s is a setting", file, e.getName()).contains(e.getName());
                env.put(e.getName(), e);
              });
            }
          }
        } else {
          JsonNode target = patch.get("target");
          String object = target.get("kind").asText() + "/" + target.get("name").asText();
          assertThat(baseObjects).as("%s: patch target", dir).contains(object);
          String body = patch.get("patch").asText();
          if (body.startsWith("- op:")) {
            // JSON 6902: a 'test' op must hold on the base, so a reordered base fails here, not at deploy time
            JsonNode ops = new ObjectMapper(new YAMLFactory()).readTree(body);
            JsonNode object6902 = documents(K8S.resolve(kindFile(target.get("kind").asText()))).stream()
                .filter(d -> d.get("metadata").get("name").asText().equals(target.get("name").asText()))
                .findFirst().orElseThrow();
            for (JsonNode op : ops) {
              if (op.get("op").asText().equals("test")) {
                assertThat(object6902.at(op.get("path").asText())).as("%s: %s", object, op.get("path").asText())
                    .isEqualTo(op.get("value"));
              } else {
                String path = op.get("path").asText();
                String parent = path.substring(0, path.lastIndexOf('/'));
                assertThat(object6902.at(parent).isMissingNode()).as("%s: %s exists", object, parent).isFalse();
              }
            }
          }
        }
      }
      // the overlay's Deployment env, with the mounted config, is a config the server starts with
      JsonObject merged = new JsonObject(Files.readString(Path.of("conf/config.json")))
          .mergeIn(new JsonObject(Files.readString(K8S.resolve("config.json"))));
      env.values().stream().filter(e -> e.getValue() != null && known.contains(e.getName()))
          .forEach(e -> merged.put(e.getName(), e.getValue()));
      ChatConfig config = ChatConfig.from(merged);
      assertThat(config.redisTopology()).as(dir.toString()).isEqualTo(overlay.getValue());
      assertThat(config.usesRedis()).isTrue();
      if (overlay.getValue() == RedisMode.CLUSTER) {
        assertThat(config.redisUrls()).as("seed nodes").hasSizeGreaterThanOrEqualTo(3);
      }
    }
  }

  /** The base file holding objects of {@code kind}. */
  private static String kindFile(String kind) {
    return switch (kind) {
      case "NetworkPolicy" -> "networkpolicy.yaml";
      case "Deployment" -> "deployment.yaml";
      case "Service" -> "service.yaml";
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
