package io.roomcast.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.roomcast.support.Await;
import io.roomcast.support.HookBackend;
import io.roomcast.support.HookBackend.Answer;
import io.roomcast.support.NodeTest;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code connect}, {@code join} and {@code send} hooks against a real HTTP backend: refusing, allowing, replacing
 * the text, failing every way under both policies, keeping one connection's order while its hook is slow, and the
 * circuit breaker.
 */
class HooksIT extends NodeTest {
  private final HookBackend backend = HookBackend.start();

  @AfterEach
  void stopBackend() {
    backend.close();
  }

  private void start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_WEBHOOK_SECRET", HookBackend.SECRET);
    env.put("CHAT_HOOK_CONNECT_URL", backend.url("/connect"));
    env.put("CHAT_HOOK_JOIN_URL", backend.url("/join"));
    env.put("CHAT_HOOK_SEND_URL", backend.url("/send"));
    env.put("CHAT_HOOK_CONNECT_TIMEOUT_MS", "500");
    env.put("CHAT_HOOK_JOIN_TIMEOUT_MS", "500");
    env.put("CHAT_HOOK_SEND_TIMEOUT_MS", "500");
    env.put("CHAT_HOOK_BREAKER_FAILURES", "1000");
    env.putAll(extra);
    node = TestNode.start(env);
  }

  private JsonObject send(WsClient c, String room, String text) {
    return c.request(new JsonObject().put("type", "send").put("room", room).put("text", text));
  }

  private JsonObject join(WsClient c, String room) {
    return c.request(new JsonObject().put("type", "join").put("room", room));
  }

  @Test
  @DisplayName("each hook is asked with a signed body; what it allows happens, and welcome announces hooks")
  void allowedAndSigned() {
    start(Map.of());
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    assertThat(ann.welcome().getJsonArray("features").getList()).contains("position", "hooks")
        .doesNotContain("webhooks");
    ann.join("lobby");
    ann.say("lobby", "hello");

    HookBackend.Call connect = backend.calls("/connect").get(0);
    assertThat(connect.body().getString("user")).isEqualTo("ann");
    assertThat(connect.body().getString("address")).isEqualTo("127.0.0.1");
    assertThat(connect.body().getString("node")).isEqualTo(node.node().config().nodeId());
    HookBackend.Call join = backend.calls("/join").get(0);
    assertThat(join.body().getMap()).containsEntry("user", "ann").containsEntry("room", "lobby")
        .containsEntry("session", ann.welcome().getString("session"));
    HookBackend.Call send = backend.calls("/send").get(0);
    assertThat(send.body().getMap()).containsEntry("text", "hello").containsEntry("room", "lobby");
    for (HookBackend.Call c : List.of(connect, join, send)) {
      assertThat(c.signed()).as("signature of %s", c.path()).isTrue();
      assertThat(c.id()).startsWith("hook_");
    }
    assertThat(backend.calls("/connect").stream().map(HookBackend.Call::id).distinct()).hasSize(1);
  }

  @Test
  @DisplayName("a refusal: connect gets HTTP 403, join and send get forbidden, each with the backend's reason")
  void refusals() {
    start(Map.of());
    backend.answer("/connect", body -> "mallory".equals(body.getString("user"))
        ? Answer.refuse("mallory is banned") : Answer.allow());
    Throwable err = catchThrowable(() -> WsClient.connect(client, node.port(), "mallory"));
    assertThat(err).isInstanceOf(UpgradeRejectedException.class);
    UpgradeRejectedException rejected = (UpgradeRejectedException) err;
    assertThat(rejected.getStatus()).isEqualTo(403);
    assertThat(new JsonObject(rejected.getBody()).getString("message")).isEqualTo("mallory is banned");
    assertThat(new JsonObject(rejected.getBody()).getString("code")).isEqualTo("forbidden");

    // a browser cannot read a refused upgrade: the same checks answer a plain GET with check=1
    var check = io.roomcast.support.Http.get(node.port(), "/ws?check=1&user=mallory");
    assertThat(check.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(check.body()).getString("message")).isEqualTo("mallory is banned");
    assertThat(io.roomcast.support.Http.get(node.port(), "/ws?check=1&user=ann").statusCode()).isEqualTo(204);

    WsClient ann = WsClient.connect(client, node.port(), "ann");
    backend.answer("/join", body -> body.getString("room").equals("secret")
        ? Answer.refuse("not a member of secret") : Answer.allow());
    JsonObject refusedJoin = join(ann, "secret");
    assertThat(refusedJoin.getMap()).containsEntry("type", "error").containsEntry("code", "forbidden")
        .containsEntry("message", "not a member of secret");
    assertThat(send(ann, "secret", "hi").getString("code")).as("not joined").isEqualTo("not_joined");

    ann.join("lobby");
    backend.answer("/send", body -> body.getString("text").contains("spam")
        ? Answer.refuse("looks like spam") : Answer.allow());
    JsonObject refusedSend = send(ann, "lobby", "buy spam now");
    assertThat(refusedSend.getMap()).containsEntry("code", "forbidden").containsEntry("message", "looks like spam");
    ann.say("lobby", "fine text");
    JsonObject history = ann.expect("history", new JsonObject().put("type", "history").put("room", "lobby"));
    assertThat(history.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("text")))
        .containsExactly("fine text");
  }

  @Test
  @DisplayName("the send hook's replacement is what is stored and delivered")
  void replacement() {
    start(Map.of());
    backend.answer("/send", body -> Answer.replace(body.getString("text").replace("darn", "****")));
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    WsClient bob = WsClient.connect(client, node.port(), "bob");
    ann.join("lobby");
    bob.join("lobby");
    String id = ann.say("lobby", "oh darn it");
    JsonObject delivered = bob.take(f -> "message".equals(f.getString("type")));
    assertThat(delivered.getString("id")).isEqualTo(id);
    assertThat(delivered.getString("text")).isEqualTo("oh **** it");
    JsonObject history = bob.expect("history", new JsonObject().put("type", "history").put("room", "lobby"));
    assertThat(history.getJsonArray("messages").getJsonObject(0).getString("text")).isEqualTo("oh **** it");

    backend.answer("/send", Answer.replace(""));
    assertThat(send(ann, "lobby", "x").getString("code")).as("an empty replacement is refused")
        .isEqualTo("unavailable");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"timeout", "status 500", "not json", "unreachable"})
  @DisplayName("a failing hook under closed: 503 for connect, unavailable for join and send; nothing happens")
  void failureClosed(String failure) {
    start(failing(failure));
    if (failure.equals("timeout")) {
      backend.hold("/connect");
    }
    assertThat(WsClient.refusedStatus(client, node.port(), "/ws?user=ann", Map.of())).isEqualTo(503);
    backend.release("/connect");
    backend.answer("/connect", Answer.allow());
    node.close();
    start(failingExceptConnect(failure));
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    if (failure.equals("timeout")) {
      backend.hold("/join");
      backend.hold("/send");
    }
    assertThat(join(ann, "lobby").getString("code")).isEqualTo("unavailable");
    assertThat(ann.members("lobby")).as("the join did not happen").isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"timeout", "status 500", "not json", "unreachable"})
  @DisplayName("a failing hook under open: the connection, the join and the send happen")
  void failureOpen(String failure) {
    Map<String, String> env = new HashMap<>(failing(failure));
    env.put("CHAT_HOOK_CONNECT_POLICY", "open");
    env.put("CHAT_HOOK_JOIN_POLICY", "open");
    env.put("CHAT_HOOK_SEND_POLICY", "open");
    start(env);
    if (failure.equals("timeout")) {
      backend.hold("/connect");
      backend.hold("/join");
      backend.hold("/send");
    }
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    ann.join("lobby");
    String id = ann.say("lobby", "through");
    assertThat(id).isNotNull();
    assertThat(node.metric("roomcast_hook_calls_total{hook=\"send\",outcome=\"failed_open\"}")).isEqualTo(1);
  }

  @Test
  @DisplayName("under closed, the client's retry with its key after unavailable stores the message once")
  void retryAfterUnavailable() {
    start(Map.of());
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    ann.join("lobby");
    backend.answer("/send", Answer.status(500));
    JsonObject frame = new JsonObject().put("type", "send").put("room", "lobby").put("text", "once").put("key", "k1");
    assertThat(ann.request(frame).getString("code")).isEqualTo("unavailable");
    backend.answer("/send", Answer.allow());
    String id = ann.request(frame).getString("id");
    assertThat(ann.request(frame).getString("id")).isEqualTo(id);
    JsonObject history = ann.expect("history", new JsonObject().put("type", "history").put("room", "lobby"));
    assertThat(history.getJsonArray("messages")).hasSize(1);
  }

  @Test
  @DisplayName("a slow hook holds back its own connection's later requests, in order, and no one else's")
  void orderWithSlowHook() {
    start(Map.of());
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    WsClient bob = WsClient.connect(client, node.port(), "bob");
    ann.join("lobby");
    bob.join("lobby");
    backend.hold("/send");
    ann.send(new JsonObject().put("type", "send").put("room", "lobby").put("text", "first").put("ref", "a1"));
    ann.send(new JsonObject().put("type", "send").put("room", "lobby").put("text", "second").put("ref", "a2"));
    ann.send(new JsonObject().put("type", "leave").put("room", "lobby").put("ref", "a3"));
    Await.until("ann's first send reached the backend", Duration.ofSeconds(5),
        () -> !backend.calls("/send").isEmpty());
    // bob is not held up by ann's pending hook: his ping is answered now
    assertThat(bob.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    assertThat(backend.calls("/send")).as("ann's later sends wait behind her first").hasSize(1);
    backend.release("/send");
    JsonObject first = ann.take(f -> "a1".equals(f.getString("ref")));
    List<JsonObject> rest = ann.drain();
    assertThat(first.getString("type")).isEqualTo("ok");
    assertThat(rest.stream().filter(f -> f.getString("ref") != null).map(f -> f.getString("ref")).toList())
        .containsSubsequence("a2", "a3");
    JsonObject m1 = bob.take(f -> "message".equals(f.getString("type")));
    JsonObject m2 = bob.take(f -> "message".equals(f.getString("type")));
    assertThat(List.of(m1.getString("text"), m2.getString("text"))).containsExactly("first", "second");
  }

  @Test
  @DisplayName("the circuit breaker opens after the configured failures, sheds calls at once, and closes again")
  void breaker() {
    start(Map.of("CHAT_HOOK_BREAKER_FAILURES", "3", "CHAT_HOOK_BREAKER_RESET_MS", "3000"));
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    ann.join("lobby");
    backend.answer("/send", Answer.status(500));
    for (int i = 0; i < 3; i++) {
      assertThat(send(ann, "lobby", "m" + i).getString("code")).isEqualTo("unavailable");
    }
    assertThat(node.metric("roomcast_hook_breaker_state{hook=\"send\"}")).isEqualTo(2);
    assertThat(send(ann, "lobby", "shed").getString("code")).isEqualTo("unavailable");
    assertThat(backend.calls("/send")).as("an open breaker does not call the backend").hasSize(3);
    assertThat(node.metric("roomcast_hook_failures_total{cause=\"breaker_open\",hook=\"send\"}")).isEqualTo(1);

    backend.answer("/send", Answer.allow());
    Await.until("the breaker lets a trial call through", Duration.ofSeconds(5),
        () -> node.metric("roomcast_hook_breaker_state{hook=\"send\"}") == 1);
    assertThat(ann.say("lobby", "back")).isNotNull();
    assertThat(node.metric("roomcast_hook_breaker_state{hook=\"send\"}")).isEqualTo(0);
  }

  @Test
  @DisplayName("a hook set in the mounted config file applies live, to connections already open")
  void liveReload(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = startWithConfigFile(dir, new JsonObject().put("webhookSecret", HookBackend.SECRET)
        .encode());
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    ann.join("lobby");
    ann.say("lobby", "no hook yet");
    backend.answer("/send", Answer.refuse("quiet hours"));
    rewrite(file, new JsonObject().put("webhookSecret", HookBackend.SECRET).put("hookSendUrl", backend.url("/send"))
        .encode());
    awaitReloads(1);
    assertThat(send(ann, "lobby", "now?").getString("message")).isEqualTo("quiet hours");
  }

  /** Settings under which every hook fails as {@code failure} says. */
  private Map<String, String> failing(String failure) {
    Map<String, String> env = new HashMap<>();
    for (String hook : List.of("connect", "join", "send")) {
      String path = "/" + hook;
      switch (failure) {
        case "status 500" -> backend.answer(path, Answer.status(500));
        case "not json" -> backend.answer(path, new Answer(200, "allow"));
        case "unreachable" -> env.put("CHAT_HOOK_" + hook.toUpperCase() + "_URL",
            "http://127.0.0.1:" + io.roomcast.support.JarNode.freePort() + path);
        default -> { }
      }
    }
    return env;
  }

  private Map<String, String> failingExceptConnect(String failure) {
    Map<String, String> env = new HashMap<>(failing(failure));
    env.remove("CHAT_HOOK_CONNECT_URL");
    backend.answer("/connect", Answer.allow());
    return env;
  }
}
