package io.roomcast.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.JarNode;
import io.roomcast.support.NodeTest;
import io.roomcast.support.WsClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live settings reload from the mounted config file while the node runs, for new and already open connections; a
 * broken file is rejected; settings that need a restart are logged as such.
 */
class LiveConfigIT extends NodeTest {
  @TempDir Path dir;

  private static String send(WsClient c, int length) {
    JsonObject reply = c.request(new JsonObject().put("type", "send").put("room", "live").put("text", "x".repeat(length)));
    return reply.getString("type").equals("ok") ? "ok" : reply.getString("code");
  }

  @Test
  @DisplayName("a changed text limit applies without a restart; a broken file keeps the old values")
  void textLimit() throws IOException {
    Path file = startWithConfigFile(dir, "{\"maxTextLength\": 10}");
    try (WsClient c = WsClient.connect(client, node.port(), "ann")) {
      c.join("live");
      assertThat(send(c, 11)).isEqualTo("text_too_long");

      rewrite(file, "{\"maxTextLength\": 20}");
      awaitReloads(1);
      assertThat(send(c, 11)).isEqualTo("ok");
      assertThat(send(c, 21)).isEqualTo("text_too_long");

      rewrite(file, "{\"maxTextLength\": ");
      Await.until("the broken file to be seen", Duration.ofSeconds(10),
          () -> node.metric("roomcast_config_reloads_total{result=\"rejected\"}") == 1.0);
      assertThat(send(c, 11)).as("the previous values stay").isEqualTo("ok");
      assertThat(send(c, 21)).isEqualTo("text_too_long");
    }
  }

  @Test
  @DisplayName("a lowered rate limit applies to connections already open")
  void rateLimitOnOpenConnections() throws IOException {
    Path file = startWithConfigFile(dir, "{\"sendBurst\": 1000, \"sendRatePerSecond\": 1000}");
    try (WsClient c = WsClient.connect(client, node.port(), "ann")) {
      for (int i = 0; i < 20; i++) {
        c.expect("rooms", new JsonObject().put("type", "rooms"));
      }
      rewrite(file, "{\"sendBurst\": 2, \"sendRatePerSecond\": 1, \"rateLimitStrikes\": 100}");
      awaitReloads(1);
      int refused = 0;
      for (int i = 0; i < 6; i++) {
        if ("error".equals(c.request(new JsonObject().put("type", "rooms")).getString("type"))) {
          refused++;
        }
      }
      assertThat(refused).as("6 requests against a burst of 2 at 1/s").isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  @DisplayName("a lowered maxPendingBytes applies to connections already open: a client that stops reading is cut off")
  void queueLimitOnOpenConnections() throws IOException {
    Path file = startWithConfigFile(dir, "{\"maxPendingBytes\": 1073741824, \"sendBurst\": 100000, \"sendRatePerSecond\": 100000}");
    WebSocketClient small = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8192)
        .setMaxFrameSize(1 << 24).setMaxMessageSize(1 << 24));
    try (WsClient writer = WsClient.connect(small, node.port(), "writer")) {
      writer.join("big");
      for (int i = 0; i < 100; i++) {
        writer.send(new JsonObject().put("type", "send").put("room", "big").put("text", "y".repeat(4000)));
      }
      writer.expect("history", new JsonObject().put("type", "history").put("room", "big").put("limit", 1));
      WsClient reader = WsClient.connect(small, node.port(), "reader");
      rewrite(file, "{\"maxPendingBytes\": 65536, \"sendBurst\": 100000, \"sendRatePerSecond\": 100000}");
      awaitReloads(1);
      reader.pause();
      JsonObject history = new JsonObject().put("type", "history").put("room", "big").put("limit", 100);
      for (int i = 0; i < 300 && node.metric("roomcast_closes_total{code=\"4008\"}") == 0.0; i++) {
        reader.send(history);
      }
      Await.until("the reader is closed with 4008", Duration.ofSeconds(10),
          () -> node.metric("roomcast_closes_total{code=\"4008\"}") == 1.0);
      reader.resume();
      assertThat(reader.awaitClose()).isEqualTo((short) 4008);
    }
  }

  @Test
  @DisplayName("a changed origin allow-list applies to the next upgrade")
  void originsLive() throws IOException {
    Path file = startWithConfigFile(dir, "{\"allowedOrigins\": \"https://old.example\"}");
    Map<String, String> old = Map.of("Origin", "https://old.example");
    Map<String, String> fresh = Map.of("Origin", "https://new.example");
    WsClient.connect(client, node.port(), "/ws?user=a", old).close();
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=b", fresh)).isEqualTo(403);
    rewrite(file, "{\"allowedOrigins\": \"https://new.example\"}");
    awaitReloads(1);
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=c", old)).isEqualTo(403);
    WsClient.connect(client, node.port(), "/ws?user=d", fresh).close();
  }

  @Test
  @DisplayName("the log level is live; settings that need a restart are logged as such and keep their values")
  void logLevelAndRestartSettings() throws IOException {
    Path file = dir.resolve("jar-config.json");
    rewrite(file, "{\"logLevel\": \"WARN\", \"allowedOrigins\": \"https://chat.example.com\"}");
    try (JarNode jar = JarNode.start(dir.resolve("jar"), Map.of("CHAT_CONFIG_FILE", file.toString(),
        "CHAT_CONFIG_SCAN_SECONDS", "1"))) {
      assertThat(WsClient.refusedStatus(client, jar.port(), "/ws?user=x", Map.of("Origin", "https://quiet.example")))
          .isEqualTo(403);
      rewrite(file, "{\"logLevel\": \"INFO\", \"allowedOrigins\": \"https://chat.example.com\", "
          + "\"historySize\": 5, \"presenceTtlSeconds\": 7}");
      Await.until("the change to be logged", Duration.ofSeconds(10), () -> jar.log().contains("config file changed"));
      assertThat(WsClient.refusedStatus(client, jar.port(), "/ws?user=x", Map.of("Origin", "https://loud.example")))
          .isEqualTo(403);
      Await.until("the refusal logged at INFO", Duration.ofSeconds(5), () -> jar.log().contains("loud.example"));
      String log = jar.log();
      assertThat(log).as("nothing at INFO while the level was WARN").doesNotContain("quiet.example");
      String change = log.lines().filter(l -> l.contains("config file changed")).findFirst().orElseThrow();
      assertThat(change).contains("applied [logLevel]").contains("needs a restart to take effect: [historySize, presenceTtlSeconds]")
          .doesNotContain("nodeId");
      assertThat(jar.readyStatus()).as("still serving on its port").isEqualTo(200);
    }
  }
}
