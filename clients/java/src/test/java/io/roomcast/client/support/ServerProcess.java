package io.roomcast.client.support;

import io.roomcast.support.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Roomcast server (its fat jar, built by the root project) as a process on a fixed free port, so it can be
 * stopped with SIGTERM and started again where its clients reconnect.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Path JAR = Path.of(System.getProperty("roomcast.server.jar", "../../target/chat-server.jar"));
  private final Map<String, String> env;
  private final int port;
  private final Path dir;
  private Process process;

  private ServerProcess(Map<String, String> env) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException("the server jar " + JAR.toAbsolutePath() + " is missing: build the server first"
          + " (./mvnw -B package -DskipTests at the repository root)");
    }
    this.env = new HashMap<>(env);
    this.port = io.roomcast.support.JarNode.freePort();
    try {
      this.dir = Files.createTempDirectory("roomcast-client-node-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.env.put("PORT", Integer.toString(port));
    this.env.putIfAbsent("CHAT_GATEWAY_INSTANCES", "1");
    this.env.putIfAbsent("CHAT_DRAIN_SECONDS", "1");
    this.env.putIfAbsent("CHAT_LOG_LEVEL", "WARN");
  }

  public static ServerProcess start(Map<String, String> env) {
    ServerProcess s = new ServerProcess(env);
    s.start();
    return s;
  }

  /** Starts (again) on the same port and waits until {@code /health/ready} answers 200. */
  public void start() {
    try {
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toAbsolutePath().toString())
          .directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
      pb.environment().putAll(env);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Await.until("the server on " + port + " to be ready", Duration.ofSeconds(30), () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("the server exited with " + process.exitValue() + "; see " + dir);
      }
      return ready();
    });
  }

  public boolean ready() {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/health/ready").openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(1000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  public String url() {
    return "ws://127.0.0.1:" + port + "/ws";
  }

  public int port() {
    return port;
  }

  /** SIGTERM: the node drains (closing its connections with 1012) and exits; waits for the exit. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public void freeze() {
    io.roomcast.support.Processes.signal(process, "STOP");
  }

  public void thaw() {
    io.roomcast.support.Processes.signal(process, "CONT");
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      thaw();
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
