package io.roomcast.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A local Redis Cluster of real {@code redis-server} processes for integration tests: {@code masters} masters and
 * {@code replicas} replicas per master, each on a free port with a fresh folder (a reused {@code nodes.conf} would
 * bring back an old identity), made a cluster with {@code redis-cli --cluster create}. Nodes can be killed, frozen
 * (SIGSTOP) and thawed, and a slot can be migrated between masters, as the failure tests need. No Docker needed.
 */
public final class RedisCluster implements AutoCloseable {
  /** How long a master may stay silent before its replica takes over (Redis' {@code cluster-node-timeout}). */
  public static final int NODE_TIMEOUT_MS = 1500;

  private final Path dir;
  private final List<Node> nodes = new ArrayList<>();

  /** One {@code redis-server} process of the cluster. */
  public static final class Node {
    private final int port;
    private final Path dir;
    private Process process;

    Node(int port, Path dir) {
      this.port = port;
      this.dir = dir;
    }

    public int port() {
      return port;
    }

    public String address() {
      return "127.0.0.1:" + port;
    }

    public String url() {
      return "redis://" + address();
    }

    public boolean alive() {
      return process.isAlive();
    }

    void start() throws IOException {
      List<String> cmd = List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
          "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MS), "--save", "", "--appendonly", "no",
          "--dir", dir.toString(), "--protected-mode", "no", "--repl-diskless-sync-delay", "0");
      // output to a file, never to a pipe nobody reads (a full pipe blocks the server)
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(new File(dir.toFile(), "redis.log")).start();
    }

    /** Starts the node again after {@link #kill}: same port and identity, no data (no persistence). */
    public void restart() {
      try {
        start();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      Await.until("redis-server " + this + " to answer again", Duration.ofSeconds(10),
          () -> cli("PING").contains("PONG"));
    }

    /** SIGKILL, as a crash. */
    public void kill() {
      Processes.kill(process);
    }

    /** SIGSTOP: the process keeps its sockets and answers nothing. */
    public void freeze() {
      Processes.signal(process, "STOP");
    }

    public void thaw() {
      Processes.signal(process, "CONT");
    }

    /** Runs {@code redis-cli -p PORT args...} and returns its output. */
    public String cli(String... args) {
      List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
      cmd.addAll(List.of(args));
      return Processes.run(cmd);
    }

    @Override
    public String toString() {
      return address();
    }
  }

  private RedisCluster(Path dir) {
    this.dir = dir;
  }

  /** Starts {@code masters} masters with {@code replicas} replicas each and waits until the cluster is ok. */
  public static RedisCluster start(int masters, int replicas) {
    try {
      RedisCluster c = new RedisCluster(Files.createTempDirectory("roomcast-cluster"));
      try {
        c.boot(masters, replicas);
      } catch (RuntimeException | IOException e) {
        c.close();
        throw e;
      }
      return c;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a Redis Cluster (is redis-server installed?)", e);
    }
  }

  private void boot(int masters, int replicas) throws IOException {
    int count = masters * (1 + replicas);
    for (int i = 0; i < count; i++) {
      Path nodeDir = Files.createDirectory(dir.resolve("node-" + i));
      Node n = new Node(freePort(), nodeDir);
      n.start();
      nodes.add(n);
    }
    for (Node n : nodes) {
      Await.until("redis-server " + n + " to answer", Duration.ofSeconds(10), () -> {
        if (!n.process.isAlive()) {
          throw new IllegalStateException("redis-server exited, see " + n.dir);
        }
        return n.cli("PING").contains("PONG");
      });
    }
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    nodes.forEach(n -> create.add(n.address()));
    create.addAll(List.of("--cluster-replicas", String.valueOf(replicas), "--cluster-yes"));
    String out = Processes.run(create);
    if (!out.contains("All 16384 slots covered")) {
      throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
    }
    awaitHealthy();
  }

  /**
   * Waits until every live node says the cluster is ok and every live replica is in sync with its master (a replica
   * that never synced is not allowed to take over: its data would be too old).
   */
  public void awaitHealthy() {
    Await.until("the Redis Cluster to be ok and its replicas in sync", Duration.ofSeconds(30), () -> {
      for (Node n : nodes) {
        if (!n.alive()) {
          continue;
        }
        if (!n.cli("CLUSTER", "INFO").contains("cluster_state:ok")) {
          return false;
        }
        String replication = n.cli("INFO", "replication");
        if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
          return false;
        }
      }
      return true;
    });
  }

  /** The masters' URLs, comma-separated: the seed list {@code REDIS_URL} takes in cluster mode. */
  public String urls() {
    return masters().stream().map(Node::url).collect(Collectors.joining(","));
  }

  /** The live nodes that are masters now. */
  public List<Node> masters() {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n.alive() && n.cli("ROLE").startsWith("master")) {
        out.add(n);
      }
    }
    return out;
  }

  public List<Node> nodes() {
    return nodes;
  }

  /** The hash slot of {@code key}, as Redis computes it. */
  public int slotOf(String key) {
    return Integer.parseInt(anyLive().cli("CLUSTER", "KEYSLOT", key).trim());
  }

  /** The master that serves {@code slot} now. */
  public Node masterOf(int slot) {
    for (Node n : masters()) {
      if (servesSlot(n, slot)) {
        return n;
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  private static boolean servesSlot(Node n, int slot) {
    String myId = n.cli("CLUSTER", "MYID").trim();
    for (String line : n.cli("CLUSTER", "NODES").split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 9 || !f[0].equals(myId)) {
        continue;
      }
      for (int i = 8; i < f.length; i++) {
        String range = f[i];
        if (range.startsWith("[")) {
          continue;
        }
        String[] ends = range.split("-");
        int from = Integer.parseInt(ends[0]);
        int to = ends.length > 1 ? Integer.parseInt(ends[1]) : from;
        if (slot >= from && slot <= to) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Moves {@code slot}, with its keys, from its master to {@code target}, the way {@code redis-cli --cluster reshard}
   * does: IMPORTING on the target, MIGRATING on the source, MIGRATE of each key, then the new owner announced.
   */
  public void migrate(int slot, Node target) {
    Node source = masterOf(slot);
    if (source == target) {
      throw new IllegalArgumentException("slot " + slot + " is on " + target + " already");
    }
    String sourceId = source.cli("CLUSTER", "MYID").trim();
    String targetId = target.cli("CLUSTER", "MYID").trim();
    check(target.cli("CLUSTER", "SETSLOT", String.valueOf(slot), "IMPORTING", sourceId));
    check(source.cli("CLUSTER", "SETSLOT", String.valueOf(slot), "MIGRATING", targetId));
    while (true) {
      String keys = source.cli("CLUSTER", "GETKEYSINSLOT", String.valueOf(slot), "100").trim();
      if (keys.isEmpty()) {
        break;
      }
      List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", String.valueOf(target.port()), "", "0",
          "5000", "KEYS"));
      migrate.addAll(List.of(keys.split("\n")));
      check(source.cli(migrate.toArray(String[]::new)));
    }
    for (Node n : masters()) {
      check(n.cli("CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", targetId));
    }
  }

  private static void check(String reply) {
    if (reply.startsWith("ERR") || reply.contains("(error)")) {
      throw new IllegalStateException("redis-cli: " + reply);
    }
  }

  private Node anyLive() {
    for (Node n : nodes) {
      if (n.alive()) {
        return n;
      }
    }
    throw new IllegalStateException("no live node");
  }

  private static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        int port = s.getLocalPort();
        // the cluster bus listens on port + 10000
        if (port + 10000 <= 65535) {
          try (ServerSocket bus = new ServerSocket(port + 10000)) {
            return port;
          } catch (IOException taken) {
            // try another
          }
        }
      }
    }
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      if (n.process != null && n.process.isAlive()) {
        n.thaw();
        n.kill();
      }
    }
  }
}
