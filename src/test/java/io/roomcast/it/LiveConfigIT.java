package io.roomcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits reload from the mounted config file while the node runs; a broken file is rejected. */
class LiveConfigIT extends NodeTest {
  @TempDir Path dir;

  /** Replaces the file the way the kubelet does: a new file renamed over the old one. */
  private void write(Path file, String json) throws IOException {
    Path tmp = dir.resolve("next.json");
    Files.writeString(tmp, json);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String send(WsClient c, int length) {
    JsonObject reply = c.request(new JsonObject().put("type", "send").put("room", "live").put("text", "x".repeat(length)));
    return reply.getString("type").equals("ok") ? "ok" : reply.getString("code");
  }

  @Test
  @DisplayName("a changed limit in the mounted file applies without a restart; a broken file keeps the old values")
  void reloads() throws IOException {
    Path file = dir.resolve("config.json");
    write(file, "{\"maxTextLength\": 10}");
    node = TestNode.start(Map.of("CHAT_CONFIG_FILE", file.toString(), "CHAT_CONFIG_SCAN_SECONDS", "1"));
    try (WsClient c = WsClient.connect(client, node.port(), "ann")) {
      c.join("live");
      assertThat(send(c, 11)).isEqualTo("text_too_long");

      write(file, "{\"maxTextLength\": 20, \"port\": 9999}");
      Await.until("the new limit", Duration.ofSeconds(10),
          () -> node.metric("roomcast_config_reloads_total{result=\"applied\"}") == 1.0);
      assertThat(send(c, 11)).isEqualTo("ok");
      assertThat(send(c, 21)).isEqualTo("text_too_long");

      write(file, "{\"maxTextLength\": ");
      Await.until("the broken file to be seen", Duration.ofSeconds(10),
          () -> node.metric("roomcast_config_reloads_total{result=\"rejected\"}") == 1.0);
      assertThat(send(c, 11)).as("the previous values stay").isEqualTo("ok");
      assertThat(send(c, 21)).isEqualTo("text_too_long");
      assertThat(node.port()).as("port needs a restart").isNotEqualTo(9999);
    }
  }
}
