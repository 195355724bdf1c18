package io.roomcast.it.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Http;
import io.roomcast.support.NodeTest;
import io.roomcast.support.TestNode;
import io.roomcast.support.Tokens;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP API as another backend service uses it. */
class ApiIT extends NodeTest {
  private static final String SECRET = "api-test-secret-long-enough-for-hs256-use";

  private static List<String> ids(JsonObject history) {
    return history.getJsonArray("messages").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  @Test
  @DisplayName("a posted message is stored and delivered like a client send; rooms, members and history read back")
  void postAndRead() {
    node = TestNode.start();
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      ann.join("news");
      HttpResponse<String> posted = Http.post(node.port(), "/api/rooms/news/messages",
          new JsonObject().put("text", "deploy finished <ok>").put("user", "ci-bot").encode(), Map.of());
      assertThat(posted.statusCode()).isEqualTo(201);
      String id = new JsonObject(posted.body()).getString("id");
      JsonObject m = ann.event("message");
      assertThat(m.getString("id")).isEqualTo(id);
      assertThat(m.getString("user")).isEqualTo("ci-bot");
      assertThat(m.getString("text")).isEqualTo("deploy finished <ok>");
      String second = new JsonObject(Http.post(node.port(), "/api/rooms/news/messages",
          new JsonObject().put("text", "two").put("user", "ci-bot").encode(), Map.of()).body()).getString("id");

      assertThat(new JsonObject(Http.get(node.port(), "/api/rooms").body()).getJsonArray("rooms").getList())
          .contains("news");
      assertThat(new JsonObject(Http.get(node.port(), "/api/rooms/news/members").body()).getJsonArray("users")
          .getList()).containsExactly("ann");
      assertThat(ids(new JsonObject(Http.get(node.port(), "/api/rooms/news/messages").body())))
          .containsExactly(id, second);
      assertThat(ids(new JsonObject(Http.get(node.port(), "/api/rooms/news/messages?limit=1").body())))
          .containsExactly(second);
      assertThat(ids(new JsonObject(Http.get(node.port(), "/api/rooms/news/messages?before=" + second).body())))
          .containsExactly(id);
      HttpResponse<String> fresh = Http.post(node.port(), "/api/rooms/brand-new/messages",
          new JsonObject().put("text", "hi").put("user", "svc").encode(), Map.of());
      assertThat(fresh.statusCode()).as("posting creates the room").isEqualTo(201);
    }
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of("POST", "/api/rooms/bad%20room/messages", "{\"text\":\"x\",\"user\":\"u\"}", 400, "invalid_room"),
        Arguments.of("POST", "/api/rooms/ok/messages", "{nope", 400, "bad_json"),
        Arguments.of("POST", "/api/rooms/ok/messages", "[1,2]", 400, "bad_request"),
        Arguments.of("POST", "/api/rooms/ok/messages", "{\"user\":\"u\"}", 400, "bad_request"),
        Arguments.of("POST", "/api/rooms/ok/messages", "{\"text\":\"\",\"user\":\"u\"}", 400, "bad_request"),
        Arguments.of("POST", "/api/rooms/ok/messages", "{\"text\":\"x\"}", 400, "bad_request"),
        Arguments.of("POST", "/api/rooms/ok/messages", "{\"text\":\"x\",\"user\":\"has space\"}", 400, "bad_request"),
        Arguments.of("POST", "/api/rooms/ok/messages", "{\"text\":\"" + "y".repeat(4001) + "\",\"user\":\"u\"}", 400,
            "text_too_long"),
        Arguments.of("POST", "/api/rooms/ok/messages", "{\"text\":\"" + "z".repeat(70_000) + "\",\"user\":\"u\"}", 413,
            "bad_request"),
        Arguments.of("GET", "/api/rooms/ok/messages?limit=0", null, 400, "bad_request"),
        Arguments.of("GET", "/api/rooms/ok/messages?limit=abc", null, 400, "bad_request"),
        Arguments.of("GET", "/api/rooms/ok/messages?before=yesterday", null, 400, "bad_request"),
        Arguments.of("GET", "/api/rooms/-x/members", null, 400, "invalid_room"),
        Arguments.of("DELETE", "/api/rooms", null, 404, "bad_request"),
        Arguments.of("GET", "/api/nothing", null, 404, "bad_request"));
  }

  @ParameterizedTest(name = "{0} {1} -> {3} {4}")
  @MethodSource("badRequests")
  @DisplayName("bad input gets a 4xx with a JSON error body and changes nothing")
  void badInput(String method, String path, String body, int status, String code) {
    node = TestNode.start();
    Http.post(node.port(), "/api/rooms/ok/messages", "{\"text\":\"kept\",\"user\":\"u\"}", Map.of());
    HttpResponse<String> r = Http.send(node.port(), method, path, body, Map.of());
    assertThat(r.statusCode()).isEqualTo(status);
    JsonObject error = new JsonObject(r.body());
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(ids(new JsonObject(Http.get(node.port(), "/api/rooms/ok/messages").body()))).hasSize(1);
    assertThat(new JsonObject(Http.get(node.port(), "/api/rooms").body()).getJsonArray("rooms").getList())
        .containsExactly("ok");
  }

  @Test
  @DisplayName("in JWT mode the API needs an API key or an admin token")
  void jwtModeNeedsCredentials() {
    node = TestNode.start(Map.of("CHAT_JWT_SECRET", SECRET, "CHAT_API_KEYS", "key-one, key-two"));
    Tokens tokens = Tokens.hs256(vertx, SECRET);
    String body = new JsonObject().put("text", "x").put("user", "svc").encode();
    assertThat(Http.post(node.port(), "/api/rooms/r/messages", body, Map.of()).statusCode()).isEqualTo(401);
    assertThat(Http.get(node.port(), "/api/rooms", Map.of("Authorization", "Bearer key-three")).statusCode())
        .isEqualTo(401);
    assertThat(Http.get(node.port(), "/api/rooms", Map.of("Authorization", "Bearer " + tokens.issue("user")))
        .statusCode()).as("a token without admin").isEqualTo(403);
    assertThat(Http.post(node.port(), "/api/rooms/r/messages", body, Map.of("Authorization", "Bearer key-two"))
        .statusCode()).isEqualTo(201);
    String admin = tokens.issue("ops", 3600, new JsonObject().put("admin", true));
    assertThat(Http.get(node.port(), "/api/rooms", Map.of("Authorization", "Bearer " + admin)).statusCode())
        .isEqualTo(200);
  }

  @Test
  @DisplayName("a post with a key is stored once: a repeat answers the first id")
  void postIdempotency() {
    node = TestNode.start();
    String body = new JsonObject().put("text", "deploy done").put("user", "ci").put("key", "build-42").encode();
    HttpResponse<String> first = Http.post(node.port(), "/api/rooms/ci/messages", body, Map.of());
    HttpResponse<String> again = Http.post(node.port(), "/api/rooms/ci/messages", body, Map.of());
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(new JsonObject(again.body()).getString("id")).isEqualTo(new JsonObject(first.body()).getString("id"));
    assertThat(ids(new JsonObject(Http.get(node.port(), "/api/rooms/ci/messages").body()))).hasSize(1);
  }

  @Test
  @DisplayName("while the broker is down the API answers 503 unavailable")
  void brokerDown() {
    node = TestNode.start(Map.of("CHAT_BRIDGE_TIMEOUT_MS", "500"));
    io.roomcast.support.Await.result(node.vertx().undeploy(node.node().bridgeDeployment()));
    for (HttpResponse<String> r : List.of(Http.get(node.port(), "/api/rooms"),
        Http.post(node.port(), "/api/rooms/x/messages", new JsonObject().put("text", "t").put("user", "u").encode(),
            Map.of()))) {
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("unavailable");
    }
  }
}
