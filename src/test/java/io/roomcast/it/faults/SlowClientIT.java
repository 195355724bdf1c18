package io.roomcast.it.faults;

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
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8192)
        .setMaxFrameSize(1 << 24).setMaxMessageSize(1 << 24));
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

  /**
   * The attack that filled a 512 MB heap: a connection that stops reading and keeps asking for large replies, under the
   * rate limit. Replies count toward the same bound as events.
   */
  @Test
  @DisplayName("a client that stops reading but keeps asking for history is closed with 4008; the node serves on")
  void repliesCountTowardTheBound() {
    try (WsClient writer = WsClient.connect(client, node.port(), "writer");
        WsClient other = WsClient.connect(client, node.port(), "other")) {
      writer.join("big");
      String text = "y".repeat(4000);
      for (int i = 0; i < 100; i++) {
        writer.send(new JsonObject().put("type", "send").put("room", "big").put("text", text));
      }
      writer.expect("history", new JsonObject().put("type", "history").put("room", "big").put("limit", 1));
      WsClient reader = WsClient.connect(client, node.port(), "reader");
      reader.pause();
      JsonObject history = new JsonObject().put("type", "history").put("room", "big").put("limit", 100);
      for (int i = 0; i < 200 && node.metric("roomcast_closes_total{code=\"4008\"}") == 0.0; i++) {
        reader.send(history);
        if (i % 20 == 19) {
          other.expect("pong", new JsonObject().put("type", "ping"));   // paces the requests a little
        }
      }
      Await.until("the reader is closed with 4008", Duration.ofSeconds(10),
          () -> node.metric("roomcast_closes_total{code=\"4008\"}") == 1.0);
      reader.resume();
      assertThat(reader.awaitClose()).isEqualTo((short) 4008);
      assertThat(other.expect("history", history).getJsonArray("messages")).as("the node serves on").hasSize(100);
    }
  }

  @Test
  @DisplayName("a client that stops reading but keeps asking for the room list is closed with 4008")
  void roomListRepliesCountTowardTheBound() {
    try (WsClient creator = WsClient.connect(client, node.port(), "creator")) {
      String prefix = "r".repeat(58);
      for (int i = 0; i < 300; i++) {
        creator.send(new JsonObject().put("type", "create").put("room", prefix + String.format("%04d", i)));
      }
      creator.expect("rooms", new JsonObject().put("type", "rooms"));
      WsClient reader = WsClient.connect(client, node.port(), "reader");
      reader.pause();
      for (int i = 0; i < 2000 && node.metric("roomcast_closes_total{code=\"4008\"}") == 0.0; i++) {
        reader.send(new JsonObject().put("type", "rooms"));
        if (i % 50 == 49) {
          creator.expect("pong", new JsonObject().put("type", "ping"));
        }
      }
      Await.until("the reader is closed with 4008", Duration.ofSeconds(10),
          () -> node.metric("roomcast_closes_total{code=\"4008\"}") == 1.0);
      reader.resume();
      assertThat(reader.awaitClose()).isEqualTo((short) 4008);
    }
  }
}
