package io.roomcast.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.roomcast.support.Await;
import io.roomcast.support.JarNode;
import io.roomcast.support.RedisServer;
import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes stopped as Kubernetes stops pods: SIGTERM for a rolling deploy, SIGKILL for a crash. Real processes. */
class ShutdownIT {
  @TempDir Path dir;
  private RedisServer redis;
  private Vertx vertx;
  private WebSocketClient client;

  @BeforeEach
  void start() {
    redis = RedisServer.startProcess();
    vertx = Vertx.vertx();
    client = WsClient.newClient(vertx);
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
    redis.close();
  }

  private Map<String, String> env(String node, String... more) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("REDIS_URL", redis.url(), "CHAT_NODE_ID", node));
    for (int i = 0; i + 1 < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  @DisplayName("SIGTERM drains: not ready at once, upgrades refused, clients closed with 1012 spread over the window, "
      + "presence released (a leave only for users connected nowhere else), exit inside the grace period, and a "
      + "client resuming elsewhere gets everything it missed")
  void gracefulDrain() {
    // one gateway instance and four connections on A: closes at 0, 0.75, 1.5 and 2.25 s of the 3 s window
    try (JarNode a = JarNode.start(dir.resolve("a"),
            env("drain-a", "CHAT_DRAIN_SECONDS", "3", "CHAT_GATEWAY_INSTANCES", "1"));
        JarNode b = JarNode.start(dir.resolve("b"), env("drain-b"));
        WsClient ann = WsClient.connect(client, a.port(), "ann");
        WsClient carl = WsClient.connect(client, a.port(), "carl");
        WsClient dora = WsClient.connect(client, a.port(), "dora");
        WsClient eveOnA = WsClient.connect(client, a.port(), "eve");
        WsClient eveOnB = WsClient.connect(client, b.port(), "eve");
        WsClient bob = WsClient.connect(client, b.port(), "bob")) {
      for (WsClient c : List.of(bob, ann, carl, eveOnA, eveOnB)) {
        c.join("roll");
      }
      String seen = bob.say("roll", "before");
      assertThat(ann.event("message").getString("id")).isEqualTo(seen);

      a.terminate();
      // the drain window keeps A serving HTTP for a while after SIGTERM: long enough to see it refuse
      Await.until("A answers not ready", Duration.ofSeconds(5), () -> a.readyStatus() == 503);
      Throwable refused = catchThrowable(() -> WsClient.connect(client, a.port(), "late"));
      assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
      assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(503);
      String missed1 = bob.say("roll", "while ann moves");
      List<Long> closedAt = new java.util.ArrayList<>();
      for (WsClient c : List.of(ann, carl, dora, eveOnA)) {
        assertThat(c.awaitClose()).isEqualTo((short) 1012);
        closedAt.add(c.closedAtNanos());
      }
      long spreadMs = (java.util.Collections.max(closedAt) - java.util.Collections.min(closedAt)) / 1_000_000;
      assertThat(spreadMs).as("closes spread over the 3 s window, not all at once").isGreaterThanOrEqualTo(1000);
      bob.take(f -> WsClient.isPresence(f, "leave", "ann"));
      bob.take(f -> WsClient.isPresence(f, "leave", "carl"));
      String missed2 = bob.say("roll", "still moving");

      int exit = a.awaitExit(Duration.ofSeconds(30));
      assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
      assertThat(a.log()).contains("draining").contains("released");

      try (WsClient back = WsClient.connect(client, b.port(), "ann")) {
        JsonObject joined = back.expect("joined",
            new JsonObject().put("type", "join").put("room", "roll").put("since", seen));
        assertThat(joined.getBoolean("recovered")).isTrue();
        assertThat(back.event("message").getString("id")).isEqualTo(missed1);
        assertThat(back.event("message").getString("id")).isEqualTo(missed2);
        assertThat(back.members("roll")).containsExactlyInAnyOrder("bob", "ann", "eve");
        assertThat(bob.drain("roll")).as("one leave each, none for eve, who is still on B")
            .noneMatch(f -> "presence".equals(f.getString("type")) && "leave".equals(f.getString("event")));
      }
    }
  }

  @Test
  @DisplayName("SIGKILL: the dead node's users leave within the presence TTL, once; users who reconnected elsewhere stay")
  void crashLeavesNoZombies() {
    try (JarNode a = JarNode.start(dir.resolve("a"), env("crash-a", "CHAT_PRESENCE_TTL_SECONDS", "2"));
        JarNode b = JarNode.start(dir.resolve("b"), env("crash-b", "CHAT_PRESENCE_TTL_SECONDS", "2"));
        WsClient bob = WsClient.connect(client, b.port(), "bob")) {
      bob.join("crash");
      WsClient carl = WsClient.connect(client, a.port(), "carl");
      WsClient ann = WsClient.connect(client, a.port(), "ann");
      carl.join("crash");
      ann.join("crash");
      bob.take(f -> WsClient.isPresence(f, "join", "carl"));
      bob.take(f -> WsClient.isPresence(f, "join", "ann"));

      a.kill();
      a.awaitExit(Duration.ofSeconds(10));
      try (WsClient annAgain = WsClient.connect(client, b.port(), "ann")) {
        annAgain.join("crash");
        JsonObject leave = bob.take(f -> WsClient.isPresence(f, "leave", "carl"));
        assertThat(leave.getString("room")).isEqualTo("crash");
        Await.until("carl gone from the members", Duration.ofSeconds(10),
            () -> !bob.members("crash").contains("carl"));
        assertThat(bob.members("crash")).containsExactlyInAnyOrder("bob", "ann");
        assertThat(bob.drain("crash")).as("no storm: nothing about ann, no second leave for carl")
            .noneMatch(f -> "presence".equals(f.getString("type")));
      }
    }
  }
}
