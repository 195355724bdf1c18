package io.roomcast.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The tools jar ({@code tools/target/roomcast-tools.jar}: the load generator, the token tool), as the bench scripts
 * run it. The server's build does not make it; the first test that needs it builds it with the wrapper, as the
 * scripts do when it is missing.
 */
public final class ToolsJar {
  private static final Path JAR = Path.of("tools/target/roomcast-tools.jar");

  private ToolsJar() {}

  public static synchronized Path jar() {
    if (!Files.exists(JAR)) {
      try {
        Process build = new ProcessBuilder("./mvnw", "-B", "-q", "-f", "tools/pom.xml", "package")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).as("the tools jar built within 5 minutes").isTrue();
        assertThat(build.exitValue()).as("./mvnw -f tools/pom.xml package").isZero();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    assertThat(JAR).as("the tools jar").exists();
    return JAR;
  }
}
