package io.roomcast.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.buffer.Unpooled;
import io.roomcast.support.Await;
import io.roomcast.support.RawWebSocket;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.websocket.WebSocketFrameImpl;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OWASP WebSocket cases as a table: each row attacks a node the way the cheat sheet describes and names the
 * outcome a user of the server would see.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwaspIT {
  private static final int MAX = 4096;
  private TestNode node;
  private Vertx vertx;
  private WebSocketClient client;

  @BeforeAll
  void start() {
    node = TestNode.start(Map.of("CHAT_ALLOWED_ORIGINS", "https://chat.example.com",
        "CHAT_MAX_FRAME_BYTES", String.valueOf(MAX), "CHAT_IDLE_TIMEOUT_SECONDS", "2"));
    vertx = Vertx.vertx();
    client = WsClient.newClient(vertx);
  }

  @AfterAll
  void stop() {
    Await.result(vertx.close());
    node.close();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        row("cross-site WebSocket hijacking (foreign Origin)", "HTTP 403", t -> t.upgradeWithOrigin("https://evil.example")),
        row("Origin look-alike (suffix trick)", "HTTP 403",
            t -> t.upgradeWithOrigin("https://chat.example.com.evil.io")),
        row("oversized frame", "close 1009", t -> t.closeAfter(ws -> ws.writeTextMessage("x".repeat(MAX + 1)))),
        row("fragmented-message bomb (1-byte continuation frames)", "close 1009", t -> t.closeAfter(ws -> {
          ws.writeFrame(WebSocketFrame.textFrame("{", false));
          for (int i = 0; i < MAX + 10; i++) {
            ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("a"), false));
          }
          ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("}"), true));
        })),
        row("invalid UTF-8 in a text frame", "close 1007", t -> t.closeAfter(ws -> ws.writeFrame(
            new WebSocketFrameImpl(WebSocketFrameType.TEXT, Unpooled.wrappedBuffer(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}), true)))),
        row("RSV1 set without a negotiated extension", "close 1002", t -> t.rawFrame(0x80 | 0x40 | 0x1, "{}")),
        row("an unmasked client frame", "close 1002", t -> t.rawFrame(0x81, null)),
        row("a reserved opcode", "close 1002", t -> t.rawFrame(0x80 | 0x3, "{}")),
        row("deeply nested JSON", "bad_json, still open", OwaspIT::deeplyNested),
        row("JSON with a comment", "bad_json, still open",
            t -> t.refusedText("{\"type\":\"ping\" /* hidden */}")),
        row("JSON with a duplicate key", "bad_json, still open",
            t -> t.refusedText("{\"type\":\"ping\",\"type\":\"join\"}")),
        row("JSON with a trailing comma", "bad_json, still open", t -> t.refusedText("{\"type\":\"ping\",}")),
        row("slowloris upgrade (request never completed)", "dropped", OwaspIT::slowloris));
  }

  private static Arguments row(String attack, String expected, Function<OwaspIT, String> run) {
    return Arguments.of(attack, expected, run);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  @DisplayName("OWASP WebSocket cases")
  void owasp(String attack, String expected, Function<OwaspIT, String> run) {
    assertThat(run.apply(this)).as(attack).isEqualTo(expected);
  }

  private String upgradeWithOrigin(String origin) {
    Throwable err = catchThrowable(() -> WsClient.connect(client, node.port(), "/ws?user=x", Map.of("Origin", origin))
        .close());
    return err instanceof UpgradeRejectedException r ? "HTTP " + r.getStatus() : "accepted";
  }

  private String closeAfter(java.util.function.Consumer<WebSocket> attack) {
    CompletableFuture<Short> closed = new CompletableFuture<>();
    WebSocket ws = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/ws?user=attacker").setAllowOriginHeader(false)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    attack.accept(ws);
    return "close " + Await.result(io.vertx.core.Future.fromCompletionStage(closed));
  }

  /** Sends {@code text} and returns the error code it got and whether the connection stayed open. */
  private String refusedText(String text) {
    try (WsClient c = WsClient.connect(client, node.port(), "strict")) {
      c.sendText(text);
      JsonObject reply = c.event("error");
      c.expect("pong", new JsonObject().put("type", "ping"));
      return reply.getString("code") + (c.isClosed() ? ", closed" : ", still open");
    }
  }

  /** Sends one frame whose first byte is {@code firstByte}; {@code payload} null sends an unmasked "{}". */
  private String rawFrame(int firstByte, String payload) {
    try (RawWebSocket ws = RawWebSocket.connect(node.port(), "raw")) {
      ws.sendFrame(firstByte, payload == null ? "{}" : payload, payload != null);
      int code = ws.awaitClose();
      return code == 1006 ? "dropped" : "close " + code;
    }
  }

  private String deeplyNested() {
    try (WsClient c = WsClient.connect(client, node.port(), "nester")) {
      c.sendText("{\"type\":\"ping\",\"x\":" + "[".repeat(1500) + "]".repeat(1500) + "}");
      JsonObject reply = c.event("error");
      c.expect("pong", new JsonObject().put("type", "ping"));
      return reply.getString("code") + (c.isClosed() ? ", closed" : ", still open");
    }
  }

  private String slowloris() {
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write("GET /ws?user=slow HTTP/1.1\r\nHost: x\r\nUpgrade: web".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return in.read() == -1 ? "dropped" : "answered";
    } catch (IOException e) {
      return "error " + e;
    }
  }
}
