package io.roomcast.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Http;
import io.roomcast.support.NodeTest;
import io.roomcast.support.TestNode;
import io.roomcast.support.Tokens;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** JWT mode and the origin allow-list, over real WebSockets. */
class SecurityIT extends NodeTest {
  private static final String SECRET = "test-secret-that-is-long-enough-for-hs256";

  @Test
  @DisplayName("HS256: a valid token (query or header) connects as its sub; missing, forged or expired get 401")
  void hs256() {
    node = TestNode.start(Map.of("CHAT_JWT_SECRET", SECRET));
    Tokens tokens = Tokens.hs256(vertx, SECRET);
    try (WsClient viaQuery = WsClient.connect(client, node.port(), "/ws?token=" + tokens.issue("alice@example.com"),
        Map.of())) {
      assertThat(viaQuery.user()).isEqualTo("alice@example.com");
    }
    try (WsClient viaHeader = WsClient.connect(client, node.port(), "/ws",
        Map.of("Authorization", "Bearer " + tokens.issue("bob")))) {
      assertThat(viaHeader.user()).isEqualTo("bob");
    }
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws", Map.of())).as("no token").isEqualTo(401);
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=mallory", Map.of())).as("anonymous name in JWT mode").isEqualTo(401);
    String forged = Tokens.hs256(vertx, "another-secret-of-sufficient-length-here").issue("alice");
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?token=" + forged, Map.of())).as("bad signature").isEqualTo(401);
    String expired = tokens.issue("alice", -60, new JsonObject());
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?token=" + expired, Map.of())).as("expired").isEqualTo(401);
    try (WsClient longest = WsClient.connect(client, node.port(), "/ws?token=" + tokens.issue("u".repeat(128)), Map.of())) {
      assertThat(longest.user()).as("a sub of 128 characters").hasSize(128);
    }
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?token=" + tokens.issue("u".repeat(129)), Map.of()))
        .as("a sub of 129 characters").isEqualTo(401);
    String badSub = tokens.issue("has space", 3600, new JsonObject());
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws", Map.of("Authorization", "Bearer " + badSub))).isEqualTo(401);
  }

  static Stream<Arguments> malformedTokens() {
    long exp = System.currentTimeMillis() / 1000 + 3600;
    JsonObject hs = new JsonObject().put("alg", "HS256").put("typ", "JWT");
    return Stream.of(
        Arguments.of("no exp", hs, new JsonObject().put("sub", "eve")),
        Arguments.of("no exp, admin", hs, new JsonObject().put("sub", "eve").put("admin", true)),
        Arguments.of("exp as a string", hs, new JsonObject().put("sub", "eve").put("exp", String.valueOf(exp))),
        Arguments.of("nbf as a string", hs, new JsonObject().put("sub", "eve").put("exp", exp).put("nbf", "0")),
        Arguments.of("rooms as a string", hs, new JsonObject().put("sub", "eve").put("exp", exp).put("rooms", "lobby")),
        Arguments.of("rooms as an object", hs, new JsonObject().put("sub", "eve").put("exp", exp)
            .put("rooms", new JsonObject())),
        Arguments.of("rooms null", hs, new JsonObject().put("sub", "eve").put("exp", exp).putNull("rooms")),
        Arguments.of("rooms with a number", hs, new JsonObject().put("sub", "eve").put("exp", exp)
            .put("rooms", new JsonArray().add("lobby").add(7))),
        Arguments.of("admin as a string", hs, new JsonObject().put("sub", "eve").put("exp", exp).put("admin", "true")),
        Arguments.of("an unknown critical header", hs.copy().put("crit", new JsonArray().add("exp-ext"))
            .put("exp-ext", 1), new JsonObject().put("sub", "eve").put("exp", exp)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedTokens")
  @DisplayName("a token with a claim of the wrong type, no exp, or an unknown crit header is refused with 401, "
      + "on the WebSocket and on the HTTP API")
  void malformedTokensRefused(String name, JsonObject header, JsonObject claims) {
    node = TestNode.start(Map.of("CHAT_JWT_SECRET", SECRET));
    String token = Tokens.signHs256(SECRET, header, claims);
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?token=" + token, Map.of())).isEqualTo(401);
    HttpResponse<String> api = Http.get(node.port(), "/api/rooms", Map.of("Authorization", "Bearer " + token));
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(api.body()).getString("code")).isEqualTo("forbidden");
    String good = Tokens.signHs256(SECRET, new JsonObject().put("alg", "HS256").put("typ", "JWT"),
        new JsonObject().put("sub", "eve").put("exp", System.currentTimeMillis() / 1000 + 60));
    try (WsClient c = WsClient.connect(client, node.port(), "/ws?token=" + good, Map.of())) {
      assertThat(c.user()).as("the same hand-made token, well formed").isEqualTo("eve");
    }
  }

  @Test
  @DisplayName("with jwtRequireExp=false a token without exp is accepted (and never expires)")
  void expOptionalWhenConfigured() {
    node = TestNode.start(Map.of("CHAT_JWT_SECRET", SECRET, "CHAT_JWT_REQUIRE_EXP", "false"));
    String token = Tokens.signHs256(SECRET, new JsonObject().put("alg", "HS256").put("typ", "JWT"),
        new JsonObject().put("sub", "forever"));
    try (WsClient c = WsClient.connect(client, node.port(), "/ws?token=" + token, Map.of())) {
      assertThat(c.user()).isEqualTo("forever");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"RS256", "ES256"})
  @DisplayName("a PEM public key verifies RS256 and ES256 tokens")
  void publicKey(String algorithm) {
    Tokens tokens = Tokens.withNewKey(vertx, algorithm);
    node = TestNode.start(Map.of("CHAT_JWT_PUBLIC_KEY", tokens.publicPem()));
    try (WsClient c = WsClient.connect(client, node.port(), "/ws?token=" + tokens.issue("carol"), Map.of())) {
      assertThat(c.user()).isEqualTo("carol");
    }
    String other = Tokens.withNewKey(vertx, algorithm).issue("carol");
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?token=" + other, Map.of())).isEqualTo(401);
  }

  @Test
  @DisplayName("an open connection is closed with 4001 when its token expires")
  void expiryOnOpenConnection() {
    node = TestNode.start(Map.of("CHAT_JWT_SECRET", SECRET));
    String shortLived = Tokens.hs256(vertx, SECRET).issue("dave", 2, new JsonObject());
    WsClient c = WsClient.connect(client, node.port(), "/ws?token=" + shortLived, Map.of());
    c.join("lobby");
    assertThat(c.awaitClose()).isEqualTo((short) 4001);
  }

  @Test
  @DisplayName("the rooms claim limits every use of a room: create, join, send, history and members; rooms lists "
      + "only allowed rooms; others get forbidden and nothing changes")
  void roomsClaim() {
    node = TestNode.start(Map.of("CHAT_JWT_SECRET", SECRET));
    Tokens tokens = Tokens.hs256(vertx, SECRET);
    String token = tokens.issue("erin", 3600, new JsonObject().put("rooms", new JsonArray().add("team-*").add("lobby")));
    try (WsClient board = WsClient.connect(client, node.port(), "/ws?token=" + tokens.issue("boss"), Map.of());
        WsClient c = WsClient.connect(client, node.port(), "/ws?token=" + token, Map.of())) {
      board.join("board");
      board.say("board", "the board's secret plan");
      c.join("team-red");
      c.join("lobby");
      c.say("team-red", "allowed");
      assertThat(c.expect("history", new JsonObject().put("type", "history").put("room", "team-red"))
          .getJsonArray("messages")).hasSize(1);
      for (JsonObject refused : new JsonObject[] {
          new JsonObject().put("type", "join").put("room", "secret"),
          new JsonObject().put("type", "create").put("room", "secret"),
          new JsonObject().put("type", "join").put("room", "team"),
          new JsonObject().put("type", "history").put("room", "board"),
          new JsonObject().put("type", "members").put("room", "board")}) {
        JsonObject error = c.expect("error", refused);
        assertThat(error.getString("code")).as("%s", refused).isEqualTo("forbidden");
        assertThat(error.encode()).doesNotContain("secret plan", "boss");
      }
      assertThat(c.expect("rooms", new JsonObject().put("type", "rooms")).getJsonArray("rooms").getList())
          .containsExactlyInAnyOrder("team-red", "lobby");
      assertThat(board.expect("rooms", new JsonObject().put("type", "rooms")).getJsonArray("rooms").getList())
          .as("no claim: every room").containsExactlyInAnyOrder("board", "team-red", "lobby");
    }
  }

  @Test
  @DisplayName("on the HTTP API a token's rooms claim applies too; a token without admin gets nothing at all")
  void roomsClaimOnTheApi() {
    node = TestNode.start(Map.of("CHAT_JWT_SECRET", SECRET, "CHAT_API_KEYS", "key-for-tests-1"));
    Tokens tokens = Tokens.hs256(vertx, SECRET);
    Map<String, String> key = Map.of("Authorization", "Bearer key-for-tests-1");
    String post = new JsonObject().put("text", "the board's secret plan").put("user", "boss").encode();
    assertThat(Http.post(node.port(), "/api/rooms/board/messages", post, key).statusCode()).isEqualTo(201);
    assertThat(Http.post(node.port(), "/api/rooms/team-red/messages", post, key).statusCode()).isEqualTo(201);

    Map<String, String> limitedAdmin = Map.of("Authorization", "Bearer " + tokens.issue("ops", 3600,
        new JsonObject().put("admin", true).put("rooms", new JsonArray().add("team-*"))));
    for (String path : new String[] {"/api/rooms/board/messages", "/api/rooms/board/members"}) {
      HttpResponse<String> refused = Http.get(node.port(), path, limitedAdmin);
      assertThat(refused.statusCode()).as(path).isEqualTo(403);
      assertThat(new JsonObject(refused.body()).getString("code")).isEqualTo("forbidden");
      assertThat(refused.body()).doesNotContain("secret plan");
    }
    assertThat(Http.post(node.port(), "/api/rooms/board/messages", post, limitedAdmin).statusCode()).isEqualTo(403);
    assertThat(Http.get(node.port(), "/api/rooms/team-red/messages", limitedAdmin).statusCode()).isEqualTo(200);
    assertThat(new JsonObject(Http.get(node.port(), "/api/rooms", limitedAdmin).body()).getJsonArray("rooms").getList())
        .containsExactly("team-red");
    assertThat(new JsonObject(Http.get(node.port(), "/api/rooms", key).body()).getJsonArray("rooms").getList())
        .containsExactlyInAnyOrder("board", "team-red");

    Map<String, String> notAdmin = Map.of("Authorization", "Bearer " + tokens.issue("erin", 3600,
        new JsonObject().put("rooms", new JsonArray().add("team-*"))));
    for (String path : new String[] {"/api/rooms", "/api/rooms/board/messages", "/api/rooms/team-red/members"}) {
      assertThat(Http.get(node.port(), path, notAdmin).statusCode()).as(path).isEqualTo(403);
    }
  }

  @Test
  @DisplayName("with an allow-list, only exact origins may upgrade (CSWSH); clients without Origin are not browsers")
  void originAllowList() {
    node = TestNode.start(Map.of("CHAT_ALLOWED_ORIGINS", "https://chat.example.com,http://localhost:8080"));
    for (String evil : new String[] {"https://evil.example", "https://chat.example.com.evil.io",
        "http://chat.example.com", "https://chat.example.com:444", "null"}) {
      assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=x", Map.of("Origin", evil))).as(evil).isEqualTo(403);
    }
    try (WsClient ok = WsClient.connect(client, node.port(), "/ws?user=x", Map.of("Origin", "https://chat.example.com"))) {
      assertThat(ok.user()).isEqualTo("x");
    }
    try (WsClient noOrigin = WsClient.connect(client, node.port(), "/ws?user=y", Map.of())) {
      assertThat(noOrigin.user()).isEqualTo("y");
    }
  }

  @Test
  @DisplayName("the README's token tool mints a token the node accepts")
  void tokenTool() {
    node = TestNode.start(Map.of("CHAT_JWT_SECRET", SECRET));
    String token = io.roomcast.tools.TokenTool.mint(vertx, SECRET, "frank", 60, new JsonArray().add("team-*"));
    try (WsClient c = WsClient.connect(client, node.port(), "/ws?token=" + token, Map.of())) {
      assertThat(c.user()).isEqualTo("frank");
      c.join("team-x");
      assertThat(c.expect("error", new JsonObject().put("type", "join").put("room", "other")).getString("code"))
          .isEqualTo("forbidden");
    }
  }
}
