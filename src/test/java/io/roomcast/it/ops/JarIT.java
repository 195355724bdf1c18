package io.roomcast.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Http;
import io.roomcast.support.JarNode;
import io.roomcast.support.NodeTest;
import io.roomcast.support.RedisServer;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fat jar as a newcomer runs it: {@code java -jar target/chat-server.jar}, a real process, no other service. */
class JarIT extends NodeTest {
  @TempDir Path dir;

  @Test
  @DisplayName("the jar starts a working node with the in-memory broker: page, health and chat")
  void runsAndChats() {
    try (JarNode node = JarNode.start(dir, Map.of())) {
      assertThat(Http.get(node.port(), "/").body()).contains("data-testid=\"messages\"");
      try (WsClient ann = WsClient.connect(client, node.port(), "ann");
          WsClient bob = WsClient.connect(client, node.port(), "bob")) {
        ann.expect("ok", new JsonObject().put("type", "create").put("room", "lobby"));
        ann.join("lobby");
        bob.join("lobby");
        String id = ann.say("lobby", "hello from the jar");
        JsonObject m = bob.event("message");
        assertThat(m.getString("id")).isEqualTo(id);
        assertThat(m.getString("text")).isEqualTo("hello from the jar");
      }
      assertThat(node.log()).contains("listening on 0.0.0.0:" + node.port()).doesNotContain("hello from the jar");
      node.terminate();
      node.awaitExit(Duration.ofSeconds(30));
    }
  }

  @Test
  @DisplayName("an invalid setting stops the jar at start-up with a message naming the key")
  void invalidSettingStops() {
    try (JarNode node = JarNode.launch(dir, Map.of("CHAT_SEND_BURST", "plenty"))) {
      assertThat(node.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(node.log()).contains("CHAT_SEND_BURST");
    }
  }

  @Test
  @DisplayName("a misspelled CHAT_ environment variable stops the jar at start-up, naming the setting it meant")
  void misspelledVariableStops() {
    try (JarNode node = JarNode.launch(dir, Map.of("CHAT_SEND_BRUST", "5"))) {
      assertThat(node.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(node.log()).contains("unknown environment variable CHAT_SEND_BRUST")
          .contains("did you mean CHAT_SEND_BURST?");
    }
  }

  @Test
  @DisplayName("two jars on one redis-server form a cluster: a room created on one is chat on the other")
  void twoJarsShareRooms() {
    try (RedisServer redis = RedisServer.startProcess();
        JarNode a = JarNode.start(dir.resolve("a"), Map.of("REDIS_URL", redis.url(), "CHAT_NODE_ID", "jar-a"));
        JarNode b = JarNode.start(dir.resolve("b"), Map.of("REDIS_URL", redis.url(), "CHAT_NODE_ID", "jar-b"));
        WsClient ann = WsClient.connect(client, a.port(), "ann");
        WsClient bob = WsClient.connect(client, b.port(), "bob")) {
      assertThat(ann.welcome().getString("node")).isEqualTo("jar-a");
      assertThat(bob.welcome().getString("node")).isEqualTo("jar-b");
      ann.expect("ok", new JsonObject().put("type", "create").put("room", "shared"));
      bob.take(f -> "room".equals(f.getString("type")) && "shared".equals(f.getString("room")));
      ann.join("shared");
      bob.join("shared");
      ann.take(f -> WsClient.isPresence(f, "join", "bob"));
      String id = ann.say("shared", "across jars");
      assertThat(bob.event("message").getString("id")).isEqualTo(id);
    }
  }

  @Test
  @DisplayName("CHAT_LOG_FORMAT=json: every log line is a JSON object carrying the node id")
  void jsonLogs() {
    try (JarNode node = JarNode.start(dir, Map.of("CHAT_LOG_FORMAT", "json", "CHAT_NODE_ID", "json-node"))) {
      node.terminate();
      node.awaitExit(Duration.ofSeconds(30));
      List<String> lines = node.log().lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).hasSizeGreaterThan(2);
      for (String line : lines) {
        JsonObject json = new JsonObject(line);
        assertThat(json.getString("node")).as(line).isEqualTo("json-node");
        assertThat(json.getString("level")).isNotBlank();
        assertThat(json.getString("msg")).isNotNull();
        assertThat(json.getString("ts")).isNotBlank();
      }
      assertThat(lines).anyMatch(l -> l.contains("listening on"));
    }
  }

  @Test
  @DisplayName("the server jar carries the server only: no load generator, token tool or test helper")
  void jarHoldsNoTools() throws Exception {
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(JarNode.jar().toFile())) {
      List<String> ours = zip.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.startsWith("io/roomcast/"))
          .toList();
      assertThat(ours).as("the server's own classes").anyMatch(n -> n.equals("io/roomcast/ChatServer.class"));
      assertThat(ours).noneMatch(n -> n.startsWith("io/roomcast/bench/") || n.startsWith("io/roomcast/tools/")
          || n.contains("TokenTool") || n.equals("io/roomcast/bridge/redis/Slot.class"));
    }
  }
}
