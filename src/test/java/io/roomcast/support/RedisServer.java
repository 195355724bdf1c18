package io.roomcast.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Redis for integration tests: a container when a Docker engine is available, otherwise a local
 * {@code redis-server} process on a free port (no persistence, bound to loopback). The process form can be killed and
 * restarted on the same port, which outage tests need.
 */
public final class RedisServer implements AutoCloseable {
  private final GenericContainer<?> container;
  private final String host;
  private final int port;
  private final Path dir;
  private Process process;
  /** The port of the master this server replicates, or 0. */
  private int replicaOf;

  private RedisServer(GenericContainer<?> container, String host, int port, Path dir) {
    this.container = container;
    this.host = host;
    this.port = port;
    this.dir = dir;
  }

  /** Starts a Redis: a container if {@code preferContainer} and Docker is up, else a local process. */
  public static RedisServer start(boolean preferContainer) {
    if (preferContainer && dockerAvailable()) {
      GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse("redis:7.0.15-alpine"))
          .withExposedPorts(6379);
      c.start();
      return new RedisServer(c, c.getHost(), c.getMappedPort(6379), null);
    }
    return startProcess();
  }

  /** Starts a local {@code redis-server} process, the form that can be killed and restarted. */
  public static RedisServer startProcess() {
    try {
      RedisServer r = new RedisServer(null, "127.0.0.1", freePort(), Files.createTempDirectory("roomcast-redis"));
      r.startLocal();
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (is it installed?)", e);
    }
  }

  /** Starts a local {@code redis-server} that replicates {@code master}, once it is in sync. */
  public static RedisServer startReplicaOf(RedisServer master) {
    try {
      RedisServer r = new RedisServer(null, "127.0.0.1", freePort(), Files.createTempDirectory("roomcast-replica"));
      r.replicaOf = master.port;
      r.startLocal();
      // the master counts a replica (for WAIT) once it is online there, which can be a second after the replica
      // itself says its link is up
      Await.until("the replica on " + r.port + " to sync with " + master.port, Duration.ofSeconds(10),
          () -> r.cli("INFO", "replication").contains("master_link_status:up")
              && master.cli("INFO", "replication").contains("state=online"));
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (is it installed?)", e);
    }
  }

  public String url() {
    return "redis://" + host + ":" + port;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** Runs {@code redis-cli} against this server and returns its output. */
  public String cli(String... args) {
    java.util.List<String> cmd = new java.util.ArrayList<>(List.of("redis-cli", "-h", host, "-p", String.valueOf(port)));
    cmd.addAll(List.of(args));
    return Processes.run(cmd);
  }

  /** Kills the local process (SIGKILL), as a crash would. */
  public void kill() {
    requireProcess();
    Processes.kill(process);
  }

  /** Stops the local process with SIGSTOP: it keeps its connections open and answers nothing (a frozen Redis). */
  public void freeze() {
    requireProcess();
    Processes.signal(process, "STOP");
  }

  /** Lets a frozen process go on (SIGCONT). */
  public void thaw() {
    requireProcess();
    Processes.signal(process, "CONT");
  }

  /**
   * Restarts the local process with its data, as a Redis with persistence does: {@code SHUTDOWN SAVE} writes the
   * dataset to the server's directory, and the new process on the same port loads it.
   */
  public void restartKeepingData() {
    requireProcess();
    try {
      cli("SHUTDOWN", "SAVE");
    } catch (RuntimeException e) {
      // redis-cli reports the dropped connection of a server that shut down
    }
    Await.until("redis-server to exit after SHUTDOWN SAVE", Duration.ofSeconds(10), () -> !process.isAlive());
    restart();
  }

  /** Starts the local process again on the same port. */
  public void restart() {
    requireProcess();
    try {
      startLocal();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void startLocal() throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no",
        // a replica syncs at once (Redis waits 5 s by default for more replicas to share the transfer)
        "--repl-diskless-sync-delay", "0"));
    if (replicaOf != 0) {
      cmd.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(replicaOf)));
    }
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(new File(dir.toFile(), "redis.log")).start();
    Await.until("redis-server to accept connections on " + port, Duration.ofSeconds(10), this::accepting);
  }

  private boolean accepting() {
    if (!process.isAlive()) {
      throw new IllegalStateException("redis-server exited with " + process.exitValue() + ", see " + dir);
    }
    try (Socket s = new Socket(host, port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void requireProcess() {
    if (process == null) {
      throw new IllegalStateException("only a local redis-server process can be killed and restarted");
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (container != null) {
      container.stop();
    }
    if (process != null && process.isAlive()) {
      thaw();   // a frozen process does not die of SIGKILL before it runs again on some systems
    }
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
