package io.roomcast.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.RawWebSocket;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The configurable limits, on a node whose limits are set low through its environment settings. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsIT {
  private static final int MAX_FRAME = 2048;
  private TestNode node;
  private Vertx clientVertx;
  private WebSocketClient client;

  @BeforeAll
  void start() {
    node = TestNode.start(Map.of(
        "CHAT_MAX_FRAME_BYTES", String.valueOf(MAX_FRAME),
        "CHAT_MAX_TEXT_LENGTH", "10",
        "CHAT_MAX_ROOMS_PER_CONNECTION", "2"));
    clientVertx = Vertx.vertx();
    client = WsClient.newClient(clientVertx);
  }

  @AfterAll
  void stop() {
    Await.result(clientVertx.close());
    node.close();
  }

  private static JsonObject frame(String type, String room) {
    return new JsonObject().put("type", type).put("room", room);
  }

  /** {@code json} ending in {@code "pad":""}} with the pad filled so the whole is {@code bytes} long. */
  private static String padded(String json, int bytes) {
    String out = json.substring(0, json.length() - 2) + "x".repeat(bytes - json.length()) + "\"}";
    assertThat(out.length()).isEqualTo(bytes);
    return out;
  }

  @Test
  @DisplayName("a connection may join only the configured number of rooms; the refused join creates nothing")
  void roomsPerConnection() {
    try (WsClient c = WsClient.connect(client, node.port(), "ann")) {
      c.join("limit-a");
      c.join("limit-b");
      JsonObject refused = c.expect("error", frame("join", "limit-c"));
      assertThat(refused.getString("code")).isEqualTo("too_many_rooms");
      assertThat(c.expect("rooms", new JsonObject().put("type", "rooms")).getJsonArray("rooms").getList())
          .doesNotContain("limit-c");
      c.expect("ok", frame("leave", "limit-a"));
      c.join("limit-c");
    }
  }

  @Test
  @DisplayName("text longer than the configured length is refused with text_too_long")
  void textLength() {
    try (WsClient c = WsClient.connect(client, node.port(), "ann")) {
      c.join("text-room");
      c.say("text-room", "0123456789");
      JsonObject refused = c.expect("error", frame("send", "text-room").put("text", "0123456789x"));
      assertThat(refused.getString("code")).isEqualTo("text_too_long");
    }
  }

  @ParameterizedTest(name = "{0} bytes over the limit")
  @ValueSource(ints = {1, 1000, 3 * MAX_FRAME})
  @DisplayName("a frame larger than the configured maximum closes the connection with 1009")
  void oversizedFrame(int over) {
    WsClient c = WsClient.connect(client, node.port(), "ann");
    c.sendText(padded("{\"type\":\"ping\",\"pad\":\"\"}", MAX_FRAME + over));
    assertThat(c.awaitClose()).isEqualTo((short) 1009);
  }

  @Test
  @DisplayName("a frame announced beyond the hard limit (4x the maximum) is refused from its header with 1009, none of "
      + "it read; the node serves on")
  void giantFrame() {
    try (RawWebSocket c = RawWebSocket.connect(node.port(), "ann")) {
      // 100 MB announced and never sent: a server that waited for it (or buffered it) would not close
      c.sendHeaderOnly(0x81, 100L * 1024 * 1024);
      assertThat(c.awaitClose()).isEqualTo(1009);
    }
    try (WsClient other = WsClient.connect(client, node.port(), "bob")) {
      other.expect("pong", new JsonObject().put("type", "ping"));
    }
  }

  @Test
  @DisplayName("a frame of exactly the maximum is accepted")
  void frameAtTheLimit() {
    try (WsClient c = WsClient.connect(client, node.port(), "ann")) {
      String json = padded("{\"type\":\"ping\",\"ref\":\"big\",\"pad\":\"\"}", MAX_FRAME);
      c.sendText(json);
      assertThat(c.take(f -> "big".equals(f.getString("ref"))).getString("type")).isEqualTo("pong");
    }
  }

  @Test
  @DisplayName("a message split into small fragments that add up to more than the maximum closes with 1009")
  void fragmentedMessage() {
    CompletableFuture<Short> closed = new CompletableFuture<>();
    WebSocket ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(node.port()).setURI("/ws?user=frag")));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    ws.writeFrame(WebSocketFrame.textFrame("{\"type\":\"ping\",\"pad\":\"", false));
    Buffer chunk = Buffer.buffer("y".repeat(512));
    for (int i = 0; i < 8; i++) {
      ws.writeFrame(WebSocketFrame.continuationFrame(chunk, false));
    }
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("\"}"), true));
    assertThat(Await.result(io.vertx.core.Future.fromCompletionStage(closed))).isEqualTo((short) 1009);
  }

  @Test
  @DisplayName("requests beyond the burst get rate_limited and are not stored; abuse closes with 4029")
  void rateLimit() {
    try (TestNode limited = TestNode.start(Map.of(
        "CHAT_SEND_BURST", "5", "CHAT_SEND_RATE_PER_SECOND", "1", "CHAT_RATE_LIMIT_STRIKES", "3"))) {
      WsClient c = WsClient.connect(client, limited.port(), "flood");
      c.join("flood-room");   // takes one token of 5
      int n = 40;
      for (int i = 0; i < n; i++) {
        c.send(frame("send", "flood-room").put("text", "f" + i).put("ref", "f" + i));
      }
      assertThat(c.awaitClose()).isEqualTo((short) 4029);
      List<JsonObject> replies = c.drainClosed();
      List<String> accepted = replies.stream().filter(f -> "ok".equals(f.getString("type")))
          .map(f -> f.getString("id")).toList();
      long refused = replies.stream()
          .filter(f -> "error".equals(f.getString("type")) && "rate_limited".equals(f.getString("code"))).count();
      assertThat(accepted).as("the burst is served, and acknowledged before the close").hasSizeGreaterThanOrEqualTo(4);
      assertThat(refused).as("refusals before the close").isGreaterThanOrEqualTo(3);
      assertThat(accepted.size() + refused).as("nothing is handled after the close").isLessThan(n);

      try (WsClient reader = WsClient.connect(client, limited.port(), "reader")) {
        JsonObject history = reader.expect("history", frame("history", "flood-room"));
        assertThat(history.getJsonArray("messages").stream().map(o -> ((JsonObject) o).getString("id")).toList())
            .as("exactly the acknowledged messages were stored").containsExactlyElementsOf(accepted);
      }
    }
  }

  @Test
  @DisplayName("ping takes no token of the rate limit; refused requests do")
  void pingIsFreeRefusalsAreNot() {
    try (TestNode limited = TestNode.start(Map.of(
        "CHAT_SEND_BURST", "3", "CHAT_SEND_RATE_PER_SECOND", "1", "CHAT_RATE_LIMIT_STRIKES", "100"))) {
      WsClient c = WsClient.connect(client, limited.port(), "pinger");
      for (int i = 0; i < 30; i++) {
        c.expect("pong", new JsonObject().put("type", "ping"));
      }
      for (int i = 0; i < 3; i++) {
        assertThat(c.expect("error", new JsonObject().put("type", "shout")).getString("code")).isEqualTo("unknown_type");
      }
      assertThat(c.expect("error", new JsonObject().put("type", "rooms")).getString("code"))
          .as("the three refused requests took the burst").isEqualTo("rate_limited");
      c.expect("pong", new JsonObject().put("type", "ping"));
      c.close();
    }
  }
}
