package io.roomcast.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node run as users run it: {@code java -jar target/chat-server.jar} in its own process, from an empty directory,
 * with only the settings given. It can be stopped with SIGTERM or killed with SIGKILL.
 */
public final class JarNode implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;

  private JarNode(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  public static Path jar() {
    Path jar = Path.of(System.getProperty("roomcast.jar", "target/chat-server.jar"));
    assertThat(jar).as("the fat jar (built by the package phase)").exists();
    return jar;
  }

  /** Starts the jar in {@code dir} with {@code env} (PORT is chosen unless given); does not wait for readiness. */
  public static JarNode launch(Path dir, Map<String, String> env) {
    try {
      Files.createDirectories(dir);
      int port = env.containsKey("PORT") ? Integer.parseInt(env.get("PORT")) : freePort();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(List.of(java, "-jar", jar().toAbsolutePath().toString()))
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(new File(dir.toFile(), "server.log"));
      pb.environment().keySet().removeIf(k -> k.startsWith("CHAT_") || k.equals("PORT") || k.equals("REDIS_URL"));
      pb.environment().putAll(env);
      pb.environment().put("PORT", String.valueOf(port));
      return new JarNode(pb.start(), dir, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the jar and waits until {@code /health/ready} answers 200. */
  public static JarNode start(Path dir, Map<String, String> env) {
    JarNode node = launch(dir, env);
    node.awaitReady();
    return node;
  }

  public void awaitReady() {
    Await.until("the node on " + port + " to be ready", Duration.ofSeconds(30), () -> readyStatus() == 200);
  }

  /** The status of {@code /health/ready}, or -1 when nothing answers. Fails if the process died. */
  public int readyStatus() {
    try {
      return Http.get(port, "/health/ready").statusCode();
    } catch (AssertionError notAnswering) {
      return -1;
    }
  }

  public int port() {
    return port;
  }

  public Process process() {
    return process;
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("server.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM, as Kubernetes stops a pod. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: no goodbye. */
  public void kill() {
    process.destroyForcibly();
  }

  /** Waits for the process to exit; returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("exited within " + timeout).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
