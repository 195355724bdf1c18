package io.roomcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** No Docker engine runs here, so the image is checked by reading its recipe. */
class DockerfileTest {

  @Test
  @DisplayName("the Dockerfile builds with the wrapper, runs a JRE 21 as non-root, exec-form, deps before code")
  void dockerfileShape() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("Dockerfile")).stream()
        .map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(from).hasSize(2);
    assertThat(from.get(0)).contains("jdk").endsWith("AS build");
    assertThat(from.get(1)).contains("21-jre");
    int runtime = lines.indexOf(from.get(1));
    List<String> build = lines.subList(0, runtime);
    List<String> run = lines.subList(runtime, lines.size());
    assertThat(build).anyMatch(l -> l.contains("./mvnw") && l.contains("dependency:go-offline"));
    int deps = indexOfFirst(build, "dependency:go-offline");
    int sources = indexOfFirst(build, "COPY src");
    assertThat(deps).as("dependencies are a layer before the sources").isLessThan(sources);
    assertThat(run).as("only the jar reaches the runtime image")
        .filteredOn(l -> l.startsWith("COPY")).allMatch(l -> l.contains("--from=build") && l.contains("chat-server.jar"));
    assertThat(run).anyMatch(l -> l.matches("USER \\d+") && !l.equals("USER 0"));
    assertThat(run).anyMatch(l -> l.startsWith("ENTRYPOINT [\"java\""));
    assertThat(run).anyMatch(l -> l.contains("MaxRAMPercentage"));
    assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("target", ".git");
  }

  private static int indexOfFirst(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }
}
