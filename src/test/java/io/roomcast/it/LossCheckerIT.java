package io.roomcast.it;

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
 * nothing duplicated, nothing out of order.
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
      Map<String, String> base = Map.of(
          "REDIS_URL", redis.url(), "CHAT_REDIS_MODE", mode, "CHAT_DRAIN_SECONDS", "1",
          "CHAT_HISTORY_SIZE", "100000", "CHAT_SEND_RATE_PER_SECOND", "200", "CHAT_SEND_BURST", "200",
          "CHAT_GATEWAY_INSTANCES", "1");
      List<JarNode> nodes = launched;
      int[] ports = new int[3];
      for (int i = 0; i < 3; i++) {
        ports[i] = JarNode.freePort();
        nodes.add(JarNode.launch(dir.resolve("n" + i), with(base, "CHAT_NODE_ID", "loss-" + i,
            "PORT", String.valueOf(ports[i]))));
      }
      nodes.forEach(JarNode::awaitReady);
      AtomicInteger turn = new AtomicInteger();
      WebSocketClient wsClient = vertx.createWebSocketClient();
      List<ResilientClient> clients = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int home = i % 3;
        AtomicInteger next = new AtomicInteger(home);
        // first connection to its home node, later ones round the other nodes
        ResilientClient c = new ResilientClient(vertx, wsClient, "user" + i, ROOMS[i % 2],
            () -> ports[Math.floorMod(next.getAndIncrement() + turn.get(), 3)]);
        clients.add(c);
        c.start();
      }
      Await.until("every client joined", Duration.ofSeconds(20),
          () -> clients.stream().allMatch(c -> c.snapshot().everJoined()));
      int restarts = 0;
      int subscriberKills = 0;
      int drops = 0;
      for (int tick = 0; tick < 100; tick++) {
        clients.forEach(ResilientClient::send);
        if (tick == 20) {
          JarNode old = nodes.get(0);
          old.terminate();
          old.awaitExit(Duration.ofSeconds(30));
          nodes.set(0, JarNode.launch(dir.resolve("n0-again"), with(base, "CHAT_NODE_ID", "loss-0",
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
      nodes.get(0).awaitReady();
      Deliveries.Report report = Deliveries.check(clients, Duration.ofSeconds(30));
      System.out.printf("loss checker (%s mode): %d messages acknowledged in %d rooms, %d clients received %d; %d connections "
              + "(%d node restart, %d subscriber kills, %d dropped connections): %d lost, %d duplicated, "
              + "%d out of order%n", mode, report.acknowledged(), report.rooms(), clients.size(), report.received(),
          report.connections(), restarts, subscriberKills, drops, report.lost(), report.duplicated(),
          report.reordered());
      if (report.lost() + report.duplicated() + report.reordered() > 0) {
        nodes.forEach(n -> System.out.println(n.log()));
      }
      assertThat(report.notRecovered()).as("no client was told recovered=false").isZero();
      assertThat(report.acknowledged()).as("messages acknowledged").isGreaterThan(500);
      assertThat(report.connections()).as("clients had to reconnect").isGreaterThan(clients.size());
      assertThat(report.lost()).as("lost").isZero();
      assertThat(report.duplicated()).as("duplicated").isZero();
      assertThat(report.reordered()).as("out of order").isZero();
      clients.forEach(ResilientClient::stop);
    } finally {
      Await.result(vertx.close());
    }
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
