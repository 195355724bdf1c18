package io.roomcast.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.Deliveries;
import io.roomcast.support.JarNode;
import io.roomcast.support.RedisCluster;
import io.roomcast.support.RedisServer;
import io.roomcast.support.ResilientClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Jepsen-style check of the delivery promise: clients on three nodes send and read concurrently while a node is
 * restarted with SIGTERM, the subscriber connections are killed, and clients drop their connections and resume. At
 * the end, per client and room, what was received is compared with what the server acknowledged: nothing lost,
 * nothing duplicated, nothing out of order. A second run restarts Redis without its data under the same load: then a
 * client may miss what was acknowledged before the loss, but only if it was told so.
 */
class LossCheckerIT {
  private static final String[] ROOMS = {"loss-a", "loss-b"};
  @TempDir Path dir;

  /** The Redis a run uses, in a mode: a standalone server or a local cluster. */
  private interface Backend extends AutoCloseable {
    String url();

    /** Cuts every node's pub/sub connection. */
    void killSubscribers();

    @Override
    void close();

    static Backend of(String mode) {
      if (mode.equals("cluster")) {
        RedisCluster cluster = RedisCluster.start(3, 0);
        return new Backend() {
          public String url() {
            return cluster.urls();
          }

          public void killSubscribers() {
            cluster.masters().forEach(m -> m.cli("CLIENT", "KILL", "TYPE", "pubsub"));
          }

          public void close() {
            cluster.close();
          }
        };
      }
      RedisServer redis = RedisServer.startProcess();
      return new Backend() {
        public String url() {
          return redis.url();
        }

        public void killSubscribers() {
          redis.cli("CLIENT", "KILL", "TYPE", "pubsub");
        }

        public void close() {
          redis.close();
        }
      };
    }
  }

  /** The nodes of the current run (restarted ones included): stopped after it, whether it passed or not. */
  private final List<JarNode> launched = new ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void stopNodes() {
    launched.forEach(JarNode::close);
  }

  @ParameterizedTest(name = "{0} mode")
  @ValueSource(strings = {"pattern", "rooms", "cluster"})
  @DisplayName("acknowledged messages reach every member exactly once and in order through restarts and gaps")
  void nothingLostNothingTwice(String mode) {
    Vertx vertx = Vertx.vertx();
    try (Backend redis = Backend.of(mode)) {
      Map<String, String> base = settings(redis.url(), mode);
      int[] ports = startNodes(base);
      AtomicInteger turn = new AtomicInteger();
      List<ResilientClient> clients = startClients(vertx, ports, turn);
      int restarts = 0;
      int subscriberKills = 0;
      int drops = 0;
      for (int tick = 0; tick < 100; tick++) {
        clients.forEach(ResilientClient::send);
        if (tick == 20) {
          JarNode old = launched.get(0);
          old.terminate();
          old.awaitExit(Duration.ofSeconds(30));
          launched.set(0, JarNode.launch(dir.resolve("n0-again"), with(base, "CHAT_NODE_ID", "loss-0",
              "PORT", String.valueOf(ports[0]))));
          restarts++;
        }
        if (tick == 45) {
          redis.killSubscribers();
          subscriberKills++;
        }
        if (tick == 70 || tick == 80) {
          turn.incrementAndGet();
          clients.get(tick % 6).dropConnection();
          clients.get((tick + 3) % 6).dropConnection();
          drops += 2;
        }
        pace(40);
      }
      launched.get(0).awaitReady();
      Deliveries.Report report = Deliveries.check(clients, Duration.ofSeconds(30));
      System.out.printf("loss checker (%s mode): %d messages acknowledged in %d rooms, %d clients received %d; %d connections "
              + "(%d node restart, %d subscriber kills, %d dropped connections): %d lost, %d duplicated, "
              + "%d out of order%n", mode, report.acknowledged(), report.rooms(), clients.size(), report.received(),
          report.connections(), restarts, subscriberKills, drops, report.lost(), report.duplicated(),
          report.reordered());
      printLogsIfFaulty(report);
      assertThat(report.notRecovered()).as("no client was told recovered=false").isZero();
      assertThat(report.acknowledged()).as("messages acknowledged").isGreaterThan(500);
      assertThat(report.connections()).as("clients had to reconnect").isGreaterThan(clients.size());
      assertFaultless(report);
      clients.forEach(ResilientClient::stop);
    } finally {
      Await.result(vertx.close());
    }
  }

  /**
   * The reliability catalogue's A2: Redis restarted without persistence under load. What it held is gone, so a client
   * may miss messages, but never silently: every client is asked to resume, and its resume answers
   * {@code recovered: false}, which tells it that what came after its last id and before that answer may be missing
   * (the protocol has it read the history then). What is acknowledged after its resume reaches it once, in order.
   */
  @ParameterizedTest(name = "{0} mode")
  @ValueSource(strings = {"pattern", "rooms"})
  @DisplayName("Redis loses its data under load: no client misses a message without being told, and chat goes on")
  void dataLossIsTold(String mode) {
    Vertx vertx = Vertx.vertx();
    RedisServer redis = RedisServer.startProcess();
    try {
      int[] ports = startNodes(settings(redis.url(), mode));
      List<ResilientClient> clients = startClients(vertx, ports, new AtomicInteger());
      for (int tick = 0; tick < 80; tick++) {
        clients.forEach(ResilientClient::send);
        if (tick == 30) {
          redis.kill();
        }
        if (tick == 40) {
          redis.restart();
        }
        pace(40);
      }
      Deliveries.Report report = Deliveries.check(clients, Duration.ofSeconds(30));
      System.out.printf("loss checker (%s mode, Redis lost its data): %s; %d missed messages were told%n", mode,
          report, report.told());
      printLogsIfFaulty(report);
      assertFaultless(report);
      assertThat(report.notRecovered()).as("resumes answered recovered=false: every client was told")
          .isGreaterThanOrEqualTo(clients.size());
      assertThat(report.acknowledged()).as("messages acknowledged").isGreaterThan(300);
      clients.forEach(ResilientClient::stop);
    } finally {
      redis.close();
      Await.result(vertx.close());
    }
  }

  private static Map<String, String> settings(String redisUrl, String mode) {
    return Map.of(
        "REDIS_URL", redisUrl, "CHAT_REDIS_MODE", mode, "CHAT_DRAIN_SECONDS", "1",
        "CHAT_HISTORY_SIZE", "100000", "CHAT_SEND_RATE_PER_SECOND", "200", "CHAT_SEND_BURST", "200",
        "CHAT_GATEWAY_INSTANCES", "1");
  }

  /** Starts three nodes (into {@link #launched}) and waits until they are ready; their ports. */
  private int[] startNodes(Map<String, String> base) {
    int[] ports = new int[3];
    for (int i = 0; i < 3; i++) {
      ports[i] = JarNode.freePort();
      launched.add(JarNode.launch(dir.resolve("n" + i), with(base, "CHAT_NODE_ID", "loss-" + i,
          "PORT", String.valueOf(ports[i]))));
    }
    launched.forEach(JarNode::awaitReady);
    return ports;
  }

  /**
   * Six clients, two rooms, two per node; each connects first to its home node and later ones round the other nodes
   * (shifted by {@code turn}). Returns once every client joined.
   */
  private static List<ResilientClient> startClients(Vertx vertx, int[] ports, AtomicInteger turn) {
    WebSocketClient wsClient = vertx.createWebSocketClient();
    List<ResilientClient> clients = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int home = i % 3;
      AtomicInteger next = new AtomicInteger(home);
      ResilientClient c = new ResilientClient(vertx, wsClient, "user" + i, ROOMS[i % 2],
          () -> ports[Math.floorMod(next.getAndIncrement() + turn.get(), 3)]);
      clients.add(c);
      c.start();
    }
    Await.until("every client joined", Duration.ofSeconds(20),
        () -> clients.stream().allMatch(c -> c.snapshot().everJoined()));
    return clients;
  }

  private void printLogsIfFaulty(Deliveries.Report report) {
    if (report.lost() + report.duplicated() + report.reordered() > 0) {
      launched.forEach(n -> System.out.println(n.log()));
    }
  }

  private static void assertFaultless(Deliveries.Report report) {
    assertThat(report.lost()).as("lost").isZero();
    assertThat(report.duplicated()).as("duplicated").isZero();
    assertThat(report.reordered()).as("out of order").isZero();
  }

  private static Map<String, String> with(Map<String, String> base, String... more) {
    Map<String, String> env = new HashMap<>(base);
    for (int i = 0; i + 1 < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  /** Paces the load (about 25 sends per second per client); it waits for nothing. */
  private static void pace(long millis) {
    java.util.concurrent.locks.LockSupport.parkNanos(millis * 1_000_000L);
  }
}
