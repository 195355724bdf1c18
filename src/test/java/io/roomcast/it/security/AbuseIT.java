package io.roomcast.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.Http;
import io.roomcast.support.JarNode;
import io.roomcast.support.NodeTest;
import io.roomcast.support.RawWebSocket;
import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import io.roomcast.support.Tokens;
import io.roomcast.support.WsClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Connection-level abuse limits, idle detection, compression, slowloris, and secrets kept out of logs. */
class AbuseIT extends NodeTest {
  @TempDir Path dir;

  @Test
  @DisplayName("a user may hold maxConnectionsPerUser connections across nodes; the next gets 429, and one closing frees a slot")
  void connectionsPerUserAcrossNodes() {
    try (RedisServer redis = RedisServer.startProcess();
        TestNode a = TestNode.start(Map.of("REDIS_URL", redis.url(), "CHAT_MAX_CONNECTIONS_PER_USER", "2"));
        TestNode b = TestNode.start(Map.of("REDIS_URL", redis.url(), "CHAT_MAX_CONNECTIONS_PER_USER", "2"))) {
      TestNode.awaitReady(a, b);
      WsClient first = WsClient.connect(client, a.port(), "ivy");
      WsClient second = WsClient.connect(client, b.port(), "ivy");
      assertThat(WsClient.refusedStatus(client, a.port(), "/ws?user=ivy", Map.of())).isEqualTo(429);
      try (WsClient other = WsClient.connect(client, a.port(), "jack")) {
        assertThat(other.user()).as("other users unaffected").isEqualTo("jack");
      }
      second.close();
      Await.until("a slot to free up", Duration.ofSeconds(5), () -> WsClient.connects(client, a.port(), "ivy"));
      first.close();
    }
  }

  @Test
  @DisplayName("connections per client IP and upgrades per second are bounded per node (HTTP 429)")
  void perIpAndUpgradeRate() {
    node = TestNode.start(Map.of("CHAT_MAX_CONNECTIONS_PER_IP", "2"));
    WsClient one = WsClient.connect(client, node.port(), "a");
    WsClient two = WsClient.connect(client, node.port(), "b");
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=c", Map.of())).isEqualTo(429);
    two.close();
    Await.until("the address's slot to free up", Duration.ofSeconds(5),
        () -> WsClient.connects(client, node.port(), "c"));
    one.close();
    node.close();

    node = TestNode.start(Map.of("CHAT_MAX_UPGRADES_PER_SECOND", "2"));
    WsClient x = WsClient.connect(client, node.port(), "x");
    WsClient y = WsClient.connect(client, node.port(), "y");
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=z", Map.of())).as("third upgrade within the same second").isEqualTo(429);
    x.close();
    y.close();
  }

  @Test
  @DisplayName("behind a trusted proxy the per-address limits count the client named in X-Forwarded-For")
  void perClientAddressBehindAProxy() {
    node = TestNode.start(Map.of("CHAT_TRUSTED_PROXIES", "127.0.0.1", "CHAT_MAX_CONNECTIONS_PER_IP", "1",
        "CHAT_MAX_UPGRADES_PER_IP_PER_SECOND", "3"));
    WsClient a = WsClient.connect(client, node.port(), "/ws?user=a", Map.of("X-Forwarded-For", "203.0.113.1"));
    WsClient b = WsClient.connect(client, node.port(), "/ws?user=b", Map.of("X-Forwarded-For", "203.0.113.2"));
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=c", Map.of("X-Forwarded-For", "203.0.113.1")))
        .as("a second connection of client 1").isEqualTo(429);
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=c", Map.of("X-Forwarded-For", "203.0.113.1")))
        .isEqualTo(429);
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=c", Map.of("X-Forwarded-For", "203.0.113.1")))
        .as("client 1 is now over its upgrade rate: refused before its connections are even counted").isEqualTo(429);
    a.close();
    b.close();
    node.close();

    node = TestNode.start(Map.of("CHAT_MAX_CONNECTIONS_PER_IP", "1"));
    WsClient direct = WsClient.connect(client, node.port(), "/ws?user=d", Map.of("X-Forwarded-For", "203.0.113.1"));
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=e", Map.of("X-Forwarded-For", "203.0.113.2")))
        .as("without trusted proxies the header is ignored: both are 127.0.0.1").isEqualTo(429);
    direct.close();
  }

  /**
   * The reported bypass: the proxy sets one header, a client adds the other with an address of its choice per
   * connection, and the proxy passes it on. Only the configured header counts, whichever one the client varies.
   */
  @ParameterizedTest(name = "proxies set {0}; the client varies {1}")
  @CsvSource({"x-forwarded-for, Forwarded", "forwarded, X-Forwarded-For"})
  @DisplayName("behind a trusted proxy only the header it sets names the client: one a client adds is not believed")
  void onlyTheConfiguredHeaderCounts(String configured, String forged) {
    node = TestNode.start(Map.of("CHAT_TRUSTED_PROXIES", "127.0.0.1", "CHAT_FORWARDED_HEADER", configured,
        "CHAT_MAX_CONNECTIONS_PER_IP", "3"));
    List<WsClient> open = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      Map<String, String> headers = new HashMap<>();
      // what the proxy sets: the one real client address
      headers.put(configured.equals("forwarded") ? "Forwarded" : "X-Forwarded-For",
          configured.equals("forwarded") ? "for=203.0.113.9" : "203.0.113.9");
      // what the client added: a new address for every connection
      headers.put(forged, forged.equals("Forwarded") ? "for=198.51.100." + i : "198.51.100." + i);
      if (i <= 3) {
        open.add(WsClient.connect(client, node.port(), "/ws?user=u" + i, headers));
      } else {
        assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=u" + i, headers))
            .as("connection %d of the one real client, over its limit of 3", i).isEqualTo(429);
      }
    }
    open.forEach(WsClient::close);
  }

  @Test
  @DisplayName("upgrades are limited per client address per second: one address at its rate does not lock out others")
  void upgradeRatePerAddress() {
    node = TestNode.start(Map.of("CHAT_TRUSTED_PROXIES", "127.0.0.0/8", "CHAT_MAX_UPGRADES_PER_IP_PER_SECOND", "2",
        "CHAT_ALLOWED_ORIGINS", "https://chat.example.com"));
    Map<String, String> one = Map.of("X-Forwarded-For", "198.51.100.1");
    WsClient x = WsClient.connect(client, node.port(), "/ws?user=x", one);
    WsClient y = WsClient.connect(client, node.port(), "/ws?user=y", one);
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=z", one)).isEqualTo(429);
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=z",
        Map.of("X-Forwarded-For", "198.51.100.1", "Origin", "https://evil.example")))
        .as("refused before its Origin is even looked at").isEqualTo(429);
    try (WsClient other = WsClient.connect(client, node.port(), "/ws?user=w", Map.of("X-Forwarded-For", "198.51.100.2"))) {
      assertThat(other.user()).isEqualTo("w");
    }
    x.close();
    y.close();
  }

  @Test
  @DisplayName("a connection that answers no pings is closed after the idle timeout; a live one stays")
  void idleConnectionsClosed() throws IOException {
    node = TestNode.start(Map.of("CHAT_PING_INTERVAL_SECONDS", "1", "CHAT_IDLE_TIMEOUT_SECONDS", "2"));
    try (WsClient live = WsClient.connect(client, node.port(), "live");
        RawWebSocket dead = RawWebSocket.connect(node.port(), "dead")) {
      // the raw socket completed the handshake and then goes silent: it answers no ping, like a vanished peer
      assertThat(dead.awaitClose()).as("the close frame it gets").isEqualTo(1001);
      assertThat(node.metric("roomcast_closes_total{code=\"1001\"}")).isEqualTo(1.0);
      live.expect("pong", new JsonObject().put("type", "ping"));
      assertThat(live.isClosed()).as("a client that answers pings stays").isFalse();
    }
  }

  @Test
  @DisplayName("permessage-deflate is never negotiated, even when the client asks")
  void noCompression() {
    node = TestNode.start();
    WebSocketClient asking = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setTryUsePerMessageCompression(true).setTryUsePerFrameCompression(true));
    try (WsClient c = WsClient.connect(asking, node.port(), "zip")) {
      assertThat(c.extensions()).as("Sec-WebSocket-Extensions").isNull();
    }
  }

  @Test
  @DisplayName("slowloris: a connection that stops sending in the middle of its upgrade request is dropped")
  void slowloris() throws IOException {
    node = TestNode.start(Map.of("CHAT_IDLE_TIMEOUT_SECONDS", "2"));
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GET /ws?user=slow HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
    }
  }

  @Test
  @DisplayName("tokens, API keys, the JWT secret and message text never reach the log")
  void secretsStayOutOfLogs() {
    String secret = "log-test-secret-which-is-long-enough-1234";
    try (JarNode jar = JarNode.start(dir, Map.of("CHAT_JWT_SECRET", secret, "CHAT_API_KEYS", "api-key-987"))) {
      Tokens tokens = Tokens.hs256(vertx, secret);
      String token = tokens.issue("kim");
      String forged = Tokens.hs256(vertx, "wrong-secret-wrong-secret-wrong-secret!!").issue("kim");
      assertThat(WsClient.refusedStatus(client, jar.port(), "/ws?token=" + forged, Map.of())).isEqualTo(401);
      try (WsClient kim = WsClient.connect(client, jar.port(), "/ws?token=" + token, Map.of())) {
        kim.join("quiet");
        kim.say("quiet", "a very private sentence");
      }
      Http.post(jar.port(), "/api/rooms/quiet/messages",
          new JsonObject().put("text", "another private sentence").put("user", "svc").encode(),
          Map.of("Authorization", "Bearer api-key-987"));
      Http.get(jar.port(), "/api/rooms", Map.of("Authorization", "Bearer wrong-key-123"));
      jar.terminate();
      jar.awaitExit(Duration.ofSeconds(30));
      assertThat(jar.log()).contains("configuration:").contains("upgrade refused")
          .doesNotContain(secret, token, forged, "api-key-987", "wrong-key-123", "private sentence");
    }
  }

  @Test
  @DisplayName("log flooding: refusals a client can repeat at will are logged clipped and at most once a second; "
      + "malformed HTTP gets a 400 and no stack trace")
  void logFlooding() {
    try (JarNode jar = JarNode.start(dir, Map.of("CHAT_ALLOWED_ORIGINS", "https://chat.example.com",
        "CHAT_MAX_UPGRADES_PER_IP_PER_SECOND", "100000", "CHAT_MAX_UPGRADES_PER_SECOND", "100000"))) {
      String origin = "https://" + "a".repeat(7000) + ".example";
      for (int i = 0; i < 40; i++) {
        assertThat(WsClient.refusedStatus(client, jar.port(), "/ws?user=x", Map.of("Origin", origin))).isEqualTo(403);
      }
      String chunked = io.roomcast.support.RawHttp.exchange(jar.port(), "POST /api/rooms/x/messages HTTP/1.1\r\n"
          + "Host: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n");
      assertThat(io.roomcast.support.RawHttp.status(chunked)).isEqualTo(400);
      assertThat(Http.get(jar.port(), "/metrics").body()).as("every refusal counted")
          .contains("roomcast_upgrades_refused_total{reason=\"origin\"} 40.0");
      jar.terminate();
      jar.awaitExit(Duration.ofSeconds(30));
      java.util.List<String> refusals = jar.log().lines().filter(l -> l.contains("is not allowed")).toList();
      assertThat(refusals).as("40 refusals in well under 40 s").isNotEmpty().hasSizeLessThan(10);
      assertThat(refusals).allSatisfy(l -> assertThat(l.length()).isLessThan(400));
      assertThat(jar.log()).doesNotContain("ERROR").doesNotContain("Exception").doesNotContain("a".repeat(200));
    }
  }
}
