package io.roomcast.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.JarNode;
import io.roomcast.support.Processes;
import io.roomcast.support.RedisServer;
import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability catalogue's A6: a node that does not read its subscription (a long pause; here SIGSTOP) while a room
 * is busy is cut off by Redis once its pub/sub output buffer passes {@code client-output-buffer-limit}. Real processes.
 */
class OutputBufferLimitIT {
  @TempDir Path dir;

  @Test
  @DisplayName("Redis cuts off a node that stopped reading its subscription: once the node runs again it subscribes "
      + "anew, and its clients get every message of the gap, in order, once, without being asked to resume")
  void cutOffNodeCatchesUp() {
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.startProcess()) {
      // Redis drops a subscriber at once when more than 256 KiB wait for it
      redis.cli("CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 128kb 1");
      try (JarNode a = JarNode.start(dir.resolve("a"), env(redis, "paused-a"));
          JarNode b = JarNode.start(dir.resolve("b"), env(redis, "busy-b"))) {
        WebSocketClient client = WsClient.newClient(vertx);
        WsClient ann = WsClient.connect(client, a.port(), "ann");
        WsClient bob = WsClient.connect(client, b.port(), "bob");
        ann.join("burst");
        bob.join("burst");
        String before = bob.say("burst", "before the pause");
        assertThat(ann.event("message").getString("id")).isEqualTo(before);

        String text = "x".repeat(50_000);
        List<String> sent = new ArrayList<>();
        Processes.signal(a.process(), "STOP");
        try {
          Await.until("Redis to cut off the paused node's subscription", Duration.ofSeconds(30), () -> {
            sent.add(bob.say("burst", text));
            return subscribers(redis) == 1;
          });
          // and some more the paused node cannot have heard at all
          for (int i = 0; i < 5; i++) {
            sent.add(bob.say("burst", text));
          }
        } finally {
          Processes.signal(a.process(), "CONT");
        }
        Await.until("the node to subscribe again", Duration.ofSeconds(30), () -> subscribers(redis) == 2);
        a.awaitReady();

        List<String> got = ann.drain("burst").stream().filter(f -> "message".equals(f.getString("type")))
            .map(f -> f.getString("id")).toList();
        assertThat(got).as("every message of the gap, in order, once").isEqualTo(sent);
        assertThat(ann.isClosed()).as("not asked to resume").isFalse();
      }
    } finally {
      Await.result(vertx.close());
    }
  }

  /** The nodes' subscriber connections Redis holds now. */
  private static long subscribers(RedisServer redis) {
    return redis.cli("CLIENT", "LIST", "TYPE", "pubsub").lines().filter(l -> l.contains("name=roomcast-sub-")).count();
  }

  /** A node's settings: large messages, and limits that let one client send a burst of them. */
  private static Map<String, String> env(RedisServer redis, String node) {
    return Map.of("REDIS_URL", redis.url(), "CHAT_NODE_ID", node, "CHAT_MAX_TEXT_LENGTH", "60000",
        "CHAT_SEND_RATE_PER_SECOND", "10000", "CHAT_SEND_BURST", "10000", "CHAT_HISTORY_SIZE", "10000");
  }
}
