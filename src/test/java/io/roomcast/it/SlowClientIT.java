package io.roomcast.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A client that stops reading is cut off with 4008 and never holds up the others. */
class SlowClientIT {
  private TestNode node;
  private Vertx vertx;
  private WebSocketClient client;

  @BeforeEach
  void start() {
    node = TestNode.start(Map.of("CHAT_MAX_PENDING_BYTES", "65536",
        "CHAT_SEND_BURST", "100000", "CHAT_SEND_RATE_PER_SECOND", "100000"));
    vertx = Vertx.vertx();
    // a small receive buffer, so the kernel absorbs little once the slow client stops reading
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8192));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
    node.close();
  }

  @Test
  @DisplayName("a client that stops reading loses typing events first, is closed with 4008, and others get everything")
  void slowClientIsCutOff() {
    try (WsClient sender = WsClient.connect(client, node.port(), "sender");
        WsClient fast = WsClient.connect(client, node.port(), "fast")) {
      WsClient slow = WsClient.connect(client, node.port(), "slow");
      for (WsClient c : List.of(sender, fast, slow)) {
        c.join("flood");
      }
      slow.pause();
      String text = "x".repeat(4000);
      int n = 2500;
      List<String> acked = new ArrayList<>();
      for (int batch = 0; batch < n; batch += 100) {
        for (int i = batch; i < batch + 100; i++) {
          sender.send(new JsonObject().put("type", "typing").put("room", "flood"));
          sender.send(new JsonObject().put("type", "send").put("room", "flood").put("text", text).put("ref", "s" + i));
        }
        for (int i = batch; i < batch + 100; i++) {
          String ref = "s" + i;
          acked.add(sender.take(f -> ref.equals(f.getString("ref"))).getString("id"));
        }
        List<String> got = new ArrayList<>();
        while (got.size() < 100) {
          got.add(fast.event("message").getString("id"));
        }
        assertThat(got).as("the fast reader keeps up, in order").containsExactlyElementsOf(acked.subList(batch, batch + 100));
      }
      Await.until("the slow client is closed with 4008", Duration.ofSeconds(10),
          () -> node.metric("roomcast_closes_total{code=\"4008\"}") == 1.0);
      assertThat(node.metric("roomcast_typing_dropped_total")).as("typing dropped before the close").isPositive();
      assertThat(node.metric("roomcast_messages_dropped_total")).as("messages it will resume").isPositive();
      slow.resume();
      assertThat(slow.awaitClose()).isEqualTo((short) 4008);
      assertThat(fast.isClosed()).isFalse();
    }
  }
}
