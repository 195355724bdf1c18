package io.roomcast.it.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.NodeTest;
import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** History retention by count and by age, and what it means for resuming, on both brokers. */
class RetentionIT extends NodeTest {
  private RedisServer redis;

  @AfterEach
  void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  private void startNode(String broker, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    if (broker.equals("redis")) {
      redis = RedisServer.startProcess();
      env.put("REDIS_URL", redis.url());
    }
    node = TestNode.start(env);
    TestNode.awaitReady(node);
  }

  private static List<String> historyIds(WsClient c, String room) {
    return c.expect("history", new JsonObject().put("type", "history").put("room", room))
        .getJsonArray("messages").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  private static JsonObject joinSince(WsClient c, String room, String since) {
    return c.expect("joined", new JsonObject().put("type", "join").put("room", room).put("since", since));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("only the newest historySize messages are kept; a since older than those is not recovered")
  void byCount(String broker) {
    startNode(broker, Map.of("CHAT_HISTORY_SIZE", "3"));
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      ann.join("kept");
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(ann.say("kept", "c" + i));
      }
      assertThat(historyIds(ann, "kept")).containsExactlyElementsOf(ids.subList(2, 5));
      try (WsClient late = WsClient.connect(client, node.port(), "late")) {
        assertThat(joinSince(late, "kept", ids.get(1)).getBoolean("recovered")).isFalse();
      }
      try (WsClient back = WsClient.connect(client, node.port(), "back")) {
        assertThat(joinSince(back, "kept", ids.get(2)).getBoolean("recovered")).isTrue();
        assertThat(back.event("message").getString("id")).isEqualTo(ids.get(3));
        assertThat(back.event("message").getString("id")).isEqualTo(ids.get(4));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("messages older than historyMaxAgeSeconds leave the history: a resume that would need one is not recovered, "
      + "one from the newest id (nothing to replay) is")
  void byAge(String broker) {
    startNode(broker, Map.of("CHAT_HISTORY_MAX_AGE_SECONDS", "1"));
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      ann.join("aging");
      String first = ann.say("aging", "soon gone");
      String second = ann.say("aging", "gone too");
      Await.until("the messages to age out", Duration.ofSeconds(10), () -> historyIds(ann, "aging").isEmpty());
      try (WsClient late = WsClient.connect(client, node.port(), "late")) {
        assertThat(joinSince(late, "aging", first).getBoolean("recovered"))
            .as("the message after it aged out: it cannot be replayed").isFalse();
      }
      try (WsClient quiet = WsClient.connect(client, node.port(), "quiet")) {
        assertThat(joinSince(quiet, "aging", second).getBoolean("recovered"))
            .as("the newest id, however old: nothing came after it, nothing is missing").isTrue();
        String fresh = ann.say("aging", "new");
        assertThat(quiet.event("message").getString("id")).as("the next message follows live").isEqualTo(fresh);
        assertThat(historyIds(ann, "aging")).containsExactly(fresh);
      }
      try (WsClient back = WsClient.connect(client, node.port(), "back")) {
        assertThat(joinSince(back, "aging", second).getBoolean("recovered"))
            .as("storing the new message dropped the aged ones: the id is not held any more").isFalse();
      }
    }
  }
}
