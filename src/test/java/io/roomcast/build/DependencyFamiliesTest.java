package io.roomcast.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The build's version rule: inside one family of libraries that are released together (Vert.x, Netty, Jackson 2,
 * Jackson 3, Micrometer) every artifact on the classpath has the same version, so a BOM that drags one module behind
 * (Micrometer's Prometheus registry at 1.15 beside its core at 1.16, say) fails the build. The exceptions are
 * named here with their reason; they must stay on the family's release line (major.minor).
 */
class DependencyFamiliesTest {

  /** One artifact on the classpath: {@code family} is the group path it was found under. */
  record Artifact(String family, String group, String name, String version) {
    String line() {
      String[] parts = version.split("\\.");
      return parts.length < 2 ? version : parts[0] + "." + parts[1];
    }
  }

  /** How a family's artifacts are grouped: artifacts that may have a version of their own, and why. */
  record Family(String name, String groupPath, Map<String, String> ownVersion, Set<String> outside) {}

  static final List<Family> FAMILIES = List.of(
      new Family("Vert.x", "io/vertx", Map.of(
          "vertx-core", "the newest 5.1 patch (CVE-2026-102476); the rest of the stack has no release of it yet",
          "vertx-core-logging", "released with vertx-core",
          "vertx-config", "served only at 5.1.1"), Set.of()),
      new Family("Netty", "io/netty", Map.of(),
          Set.of("netty-tcnative-classes", "netty-tcnative-boringssl-static", "netty-tcnative")),
      // jackson-annotations has carried only major.minor since 2.20; Jackson 3 uses the 2.x annotations too
      new Family("Jackson 2", "com/fasterxml/jackson", Map.of("jackson-annotations", "versioned major.minor only"),
          Set.of()),
      new Family("Jackson 3", "tools/jackson", Map.of(), Set.of()),
      new Family("Micrometer", "io/micrometer", Map.of(), Set.of()));

  @Test
  @DisplayName("every family of libraries on the classpath is at one version (named exceptions on its release line)")
  void noSkewOnTheClasspath() {
    List<Artifact> artifacts = classpath();
    assertThat(artifacts).as("the families are found on the classpath")
        .extracting(Artifact::family).contains("Vert.x", "Netty", "Jackson 2", "Micrometer");
    assertThat(skews(artifacts)).isEmpty();
  }

  @Test
  @DisplayName("the rule catches a module left behind, an exception off its line, and passes a consistent set")
  void theRuleItself() {
    List<Artifact> consistent = List.of(
        new Artifact("Micrometer", "io.micrometer", "micrometer-core", "1.17.2"),
        new Artifact("Micrometer", "io.micrometer", "micrometer-registry-prometheus", "1.17.2"),
        new Artifact("Vert.x", "io.vertx", "vertx-web", "5.1.6"),
        new Artifact("Vert.x", "io.vertx", "vertx-core", "5.1.10"),
        new Artifact("Vert.x", "io.vertx", "vertx-config", "5.1.1"),
        new Artifact("Netty", "io.netty", "netty-common", "4.2.18.Final"),
        new Artifact("Netty", "io.netty", "netty-tcnative-classes", "2.0.84.Final"));
    assertThat(skews(consistent)).isEmpty();

    List<Artifact> behind = new ArrayList<>(consistent);
    behind.set(1, new Artifact("Micrometer", "io.micrometer", "micrometer-registry-prometheus", "1.15.7"));
    assertThat(skews(behind)).singleElement().asString()
        .contains("Micrometer").contains("micrometer-registry-prometheus 1.15.7").contains("micrometer-core 1.17.2");

    List<Artifact> offLine = new ArrayList<>(consistent);
    offLine.set(4, new Artifact("Vert.x", "io.vertx", "vertx-config", "5.0.7"));
    assertThat(skews(offLine)).singleElement().asString().contains("vertx-config 5.0.7").contains("5.1");

    List<Artifact> netty = new ArrayList<>(consistent);
    netty.add(new Artifact("Netty", "io.netty", "netty-handler", "4.2.17.Final"));
    assertThat(skews(netty)).singleElement().asString().contains("netty-handler 4.2.17.Final");
  }

  /** What breaks the rule, a sentence per family; empty when nothing does. */
  static List<String> skews(List<Artifact> artifacts) {
    List<String> problems = new ArrayList<>();
    for (Family family : FAMILIES) {
      List<Artifact> members = artifacts.stream()
          .filter(a -> a.family().equals(family.name()) && !family.outside().contains(a.name())).toList();
      if (members.isEmpty()) {
        continue;
      }
      // the family's own version: that of its artifacts without a version of their own
      Map<String, Set<String>> byVersion = new TreeMap<>();
      members.stream().filter(a -> !family.ownVersion().containsKey(a.name()))
          .forEach(a -> byVersion.computeIfAbsent(a.version(), v -> new TreeSet<>()).add(a.name()));
      Set<String> lines = members.stream().map(Artifact::line).collect(Collectors.toCollection(TreeSet::new));
      Map<String, Set<String>> ownByName = new TreeMap<>();
      members.stream().filter(a -> family.ownVersion().containsKey(a.name()))
          .forEach(a -> ownByName.computeIfAbsent(a.name(), n -> new TreeSet<>()).add(a.version()));
      boolean twiceOwn = ownByName.values().stream().anyMatch(v -> v.size() > 1);
      if (byVersion.size() > 1 || lines.size() > 1 || twiceOwn) {
        problems.add(family.name() + " is not at one version: " + members.stream()
            .map(a -> a.name() + " " + a.version()).sorted().collect(Collectors.joining(", "))
            + (lines.size() > 1 ? " (release lines " + lines + ")" : ""));
      }
    }
    return problems;
  }

  /** The artifacts of the families on this JVM's classpath (Surefire sets it to the test classpath). */
  static List<Artifact> classpath() {
    List<Artifact> found = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String path = entry.replace(File.separatorChar, '/');
      for (Family family : FAMILIES) {
        int at = path.indexOf("/" + family.groupPath() + "/");
        if (at < 0 || !path.endsWith(".jar")) {
          continue;
        }
        // <group path>/<artifact>/<version>/<artifact>-<version>[-classifier].jar in a Maven repository
        String[] segments = path.substring(at + 1).split("/");
        if (segments.length >= 4) {
          String group = String.join(".", List.of(segments).subList(0, segments.length - 3));
          found.add(new Artifact(family.name(), group, segments[segments.length - 3], segments[segments.length - 2]));
        }
      }
    }
    return found;
  }
}
