package io.roomcast.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.Http;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing a running node: random and mutated HTTP API calls and WebSocket frames. Never a 500 or an {@code internal}
 * error, always a coded answer, and a refused request changes nothing.
 */
class FuzzIT {
  private static TestNode node;
  private static Vertx vertx;
  /** Held in a field: Vert.x shuts down a client that becomes unreachable, and its sockets with it. */
  private static WebSocketClient client;
  private static WsClient socket;

  @BeforeContainer
  static void start() {
    node = TestNode.start(Map.of("CHAT_SEND_BURST", "100000", "CHAT_SEND_RATE_PER_SECOND", "100000"));
    vertx = Vertx.vertx();
    client = WsClient.newClient(vertx);
    socket = WsClient.connect(client, node.port(), "fuzzer");
    Http.post(node.port(), "/api/rooms/base/messages", "{\"text\":\"kept\",\"user\":\"u\"}", Map.of());
    socket.join("base");
  }

  @AfterContainer
  static void stop() {
    socket.close();
    Await.result(vertx.close());
    node.close();
  }

  private static List<Object> rooms() {
    return new JsonObject(Http.get(node.port(), "/api/rooms").body()).getJsonArray("rooms").getList();
  }

  private static int history() {
    return new JsonObject(Http.get(node.port(), "/api/rooms/base/messages?limit=100").body())
        .getJsonArray("messages").size();
  }

  @Property(tries = 300)
  @Label("the HTTP API answers random calls with a coded status below 500, and refusals change nothing")
  void httpApi(@ForAll("methods") String method, @ForAll("paths") String path, @ForAll("bodies") String body) {
    List<Object> roomsBefore = rooms();
    int historyBefore = history();
    HttpResponse<String> r = Http.send(node.port(), method, path, body, Map.of());
    assertThat(r.statusCode()).as("%s %s %s", method, path, body).isBetween(200, 499);
    if (r.statusCode() >= 400) {
      JsonObject error = new JsonObject(r.body());
      assertThat(error.getString("code")).isNotBlank().isNotEqualTo("internal");
      assertThat(rooms()).as("a refused request creates no room").isEqualTo(roomsBefore);
      assertThat(history()).as("a refused request stores nothing").isEqualTo(historyBefore);
    }
  }

  /** A frame to send: its text and, for a JSON request, the ref it carries (null for other text). */
  record Frame(String text, String ref, String type, String room) {}

  /** The rooms the fuzzing socket has joined (typing in one of them has no reply). */
  private static final java.util.Set<String> joined = new java.util.HashSet<>(List.of("base"));

  private static boolean inBase() {
    return new JsonObject(Http.get(node.port(), "/api/rooms/base/members").body()).getJsonArray("users")
        .contains("fuzzer");
  }

  @Property(tries = 300)
  @Label("every frame on a WebSocket gets its reply or a coded error, never 'internal', the socket stays open, and a "
      + "refused request changes nothing")
  void webSocketFrames(@ForAll("frames") Frame frame) {
    List<Object> roomsBefore = rooms();
    int historyBefore = history();
    boolean inBaseBefore = inBase();
    socket.sendText(frame.text());
    JsonObject reply;
    if (frame.ref() == null) {
      reply = socket.take(f -> "error".equals(f.getString("type")) || f.containsKey("ref"));
    } else if ("typing".equals(frame.type()) && joined.contains(frame.room())) {
      reply = null;   // typing in a joined room has no reply
    } else {
      reply = socket.take(f -> frame.ref().equals(f.getString("ref")));
    }
    List<JsonObject> rest = socket.drain();
    assertThat(rest).as("after %s", frame.text()).noneMatch(f -> "internal".equals(f.getString("code")));
    assertThat(socket.isClosed()).as("after %s", frame.text()).isFalse();
    if (reply != null && "error".equals(reply.getString("type"))) {
      assertThat(reply.getString("code")).as("after %s", frame.text()).isNotBlank().isNotEqualTo("internal");
      assertThat(rooms()).as("a refused %s creates no room", frame.text()).isEqualTo(roomsBefore);
      assertThat(history()).as("a refused %s stores nothing", frame.text()).isEqualTo(historyBefore);
      assertThat(inBase()).as("a refused %s joins or leaves nothing", frame.text()).isEqualTo(inBaseBefore);
    }
    if (reply != null && !"error".equals(reply.getString("type"))) {
      if ("leave".equals(frame.type())) {
        joined.remove(frame.room());
      } else if ("join".equals(frame.type())) {
        joined.add(frame.room());
      }
    }
  }

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH");
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> segment = Arbitraries.oneOf(Arbitraries.of("base", "new-room", "a", "-x", "..", "%2F", "%00",
            "x".repeat(70)), Arbitraries.strings().ofMaxLength(20)
        .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)));
    Arbitrary<String> query = Arbitraries.of("", "?limit=1", "?limit=0", "?limit=-5", "?limit=99999999999",
        "?before=1-0", "?before=x", "?limit=abc&before=");
    return Combinators.combine(Arbitraries.of("/api/rooms/", "/api/rooms", "/api/", "/api/rooms//"), segment,
        Arbitraries.of("", "/messages", "/members", "/x", "/messages/1"), query).as((a, b, c, d) -> a + b + c + d);
  }

  @Provide
  Arbitrary<String> bodies() {
    return Arbitraries.oneOf(
        Arbitraries.of("{\"text\":\"hi\",\"user\":\"u\"}", "{\"text\":\"\",\"user\":\"u\"}", "{}", "[]", "null",
            "{\"text\":5,\"user\":\"u\"}", "{\"text\":\"x\",\"user\":\"bad user\"}", "{\"text\":\"x\"}",
            "{\"text\":\"x\",\"user\":\"u\",\"key\":" + "1".repeat(400) + "}", "{" + "[".repeat(3000) + "}"),
        Arbitraries.strings().ofMaxLength(200));
  }

  private static int refs;

  @Provide
  Arbitrary<Frame> frames() {
    Arbitrary<String> types = Arbitraries.of("send", "join", "leave", "create", "rooms", "history", "members",
        "typing", "ping", "x");
    Arbitrary<String> rooms = Arbitraries.of("base", "other", "", "bad room", "x".repeat(65), "-a");
    Arbitrary<Frame> structured = Combinators.combine(types, rooms, Arbitraries.strings().ofMaxLength(50),
        Arbitraries.of("", ",\"limit\":0", ",\"limit\":\"3\"", ",\"since\":7", ",\"before\":\"b\"", ",\"key\":[]"))
        .as((t, r, text, extra) -> {
          String ref = "fz" + (++refs);
          String json = new JsonObject().put("type", t).put("room", r).put("text", text).put("ref", ref).encode();
          return new Frame(json.substring(0, json.length() - 1) + extra + "}", ref, t, r);
        });
    Arbitrary<Frame> garbage = Arbitraries.strings().ofMaxLength(100)
        .filter(t -> !t.contains("\"ref\"")).map(t -> new Frame(t, null, null, null));
    return Arbitraries.oneOf(structured, garbage);
  }
}
