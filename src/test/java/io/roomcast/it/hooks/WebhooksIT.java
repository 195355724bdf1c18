package io.roomcast.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.HookBackend;
import io.roomcast.support.HookBackend.Answer;
import io.roomcast.support.NodeTest;
import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Webhooks against a real HTTP backend, on the memory broker and on a real Redis: every event type signed as the
 * Standard Webhooks specification says (checked by {@link HookBackend#verifies}, written from the spec), at least once,
 * in order per room, through a backend outage and a Redis restart, one node delivering for two, and the dead-letter
 * bound. The node crash (SIGKILL) is in {@link WebhookCrashIT}.
 */
class WebhooksIT extends NodeTest {
  static final String PATH = "/events";
  private final HookBackend backend = HookBackend.start();
  private RedisServer redis;
  private TestNode second;

  @AfterEach
  void stopAll() {
    if (second != null) {
      second.close();
    }
    backend.close();
    if (redis != null) {
      redis.close();
    }
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("CHAT_WEBHOOK_URL", backend.url(PATH));
    env.put("CHAT_WEBHOOK_SECRET", HookBackend.SECRET);
    env.put("CHAT_WEBHOOK_POLL_MS", "50");
    env.put("CHAT_WEBHOOK_RETRY_MIN_MS", "50");
    env.put("CHAT_WEBHOOK_RETRY_MAX_MS", "200");
    env.putAll(extra);
    return env;
  }

  private Map<String, String> redisEnv(Map<String, String> extra) {
    if (redis == null) {
      redis = RedisServer.startProcess();
    }
    Map<String, String> env = new HashMap<>(extra);
    env.put("REDIS_URL", redis.url());
    env.put("CHAT_WEBHOOK_LEASE_MS", "2000");
    return env(env);
  }

  /** The events delivered with a 2xx so far: the last attempt of each webhook-id, in arrival order. */
  private List<HookBackend.Call> events() {
    return backend.calls(PATH);
  }

  private static String type(HookBackend.Call c) {
    return c.body().getString("type");
  }

  @Test
  @DisplayName("memory broker: room.created, member.joined, message.created, member.left, room.deleted, all signed")
  void everyTypeOnMemory() {
    node = TestNode.start(env(Map.of("CHAT_ROOM_IDLE_EXPIRY_SECONDS", "1")));
    everyType();
  }

  @Test
  @DisplayName("Redis: the same events, recorded by the scripts, signed")
  void everyTypeOnRedis() {
    node = TestNode.start(redisEnv(Map.of("CHAT_ROOM_IDLE_EXPIRY_SECONDS", "1")));
    TestNode.awaitReady(node);
    everyType();
  }

  @Test
  @DisplayName("Redis Cluster: the same events (the pending hint sent after each script, in the global slot)")
  void everyTypeOnCluster() {
    try (io.roomcast.support.RedisCluster cluster = io.roomcast.support.RedisCluster.start(3, 0)) {
      node = TestNode.start(env(Map.of("REDIS_URL", cluster.urls(), "CHAT_REDIS_MODE", "cluster",
          "CHAT_ROOM_IDLE_EXPIRY_SECONDS", "1")));
      TestNode.awaitReady(node);
      everyType();
      node.close();
      node = null;
    }
  }

  private void everyType() {
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    assertThat(ann.welcome().getJsonArray("features").getList()).contains("webhooks").doesNotContain("hooks");
    ann.join("lobby");
    String id = ann.say("lobby", "hello <world> \"quoted\" ünïcode");
    ann.close();
    Await.until("room.deleted delivered", Duration.ofSeconds(20),
        () -> events().stream().anyMatch(c -> type(c).equals("room.deleted")));
    List<HookBackend.Call> calls = events();
    assertThat(calls.stream().map(WebhooksIT::type).toList())
        .containsExactly("room.created", "member.joined", "message.created", "member.left", "room.deleted");
    for (HookBackend.Call c : calls) {
      assertThat(c.signed()).as("signature of %s", type(c)).isTrue();
      assertThat(c.id()).startsWith("msg_");
      assertThat(c.body().getString("timestamp")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      assertThat(c.body().getJsonObject("data").getString("room")).isEqualTo("lobby");
    }
    JsonObject message = calls.get(2).body().getJsonObject("data");
    assertThat(message.getMap()).containsEntry("id", id).containsEntry("user", "ann")
        .containsEntry("text", "hello <world> \"quoted\" ünïcode");
    assertThat(message.getLong("ts")).isPositive();
    assertThat(calls.get(1).body().getJsonObject("data").getString("user")).isEqualTo("ann");
    assertThat(calls.get(3).body().getJsonObject("data").getString("user")).isEqualTo("ann");
  }

  @Test
  @DisplayName("an event filter delivers only the listed types")
  void filter() {
    node = TestNode.start(env(Map.of("CHAT_WEBHOOK_EVENTS", "message.created")));
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    ann.join("lobby");
    ann.say("lobby", "one");
    ann.say("lobby", "two");
    Await.until("two messages delivered", Duration.ofSeconds(10), () -> events().size() >= 2);
    assertThat(events().stream().map(WebhooksIT::type).distinct().toList()).containsExactly("message.created");
  }

  @Test
  @DisplayName("Redis, two nodes: a backend down under load, then back: every event once per attempt, in order per "
      + "room, repeats only with the same webhook-id, delivered by one node; then a Redis restart with its data")
  void outageTwoNodesAndRedisRestart() {
    backend.answer(PATH, Answer.status(503));
    Map<String, String> env = redisEnv(Map.of("CHAT_WEBHOOK_EVENTS", "message.created"));
    node = TestNode.start(env);
    second = TestNode.start(env);
    TestNode.awaitReady(node, second);
    List<String> rooms = List.of("r1", "r2", "r3");
    List<WsClient> senders = new ArrayList<>();
    Map<String, List<String>> sent = new LinkedHashMap<>();
    for (int i = 0; i < rooms.size(); i++) {
      WsClient c = WsClient.connect(client, (i % 2 == 0 ? node : second).port(), "u" + i);
      c.join(rooms.get(i));
      senders.add(c);
      sent.put(rooms.get(i), new ArrayList<>());
    }
    for (int n = 0; n < 40; n++) {
      for (int i = 0; i < rooms.size(); i++) {
        sent.get(rooms.get(i)).add(senders.get(i).say(rooms.get(i), "m" + n));
      }
    }
    Await.until("the backend refused some attempts", Duration.ofSeconds(10), () -> events().size() >= 3);
    assertThat(node.metric("roomcast_webhooks_delivering") + second.metric("roomcast_webhooks_delivering"))
        .as("one node delivers").isEqualTo(1);
    backend.answer(PATH, Answer.status(204));
    int total = 40 * rooms.size();
    Await.until("every event acknowledged", Duration.ofSeconds(30), () -> acknowledged().size() == total);
    assertThat(backend.acknowledged(PATH)).as("each event acknowledged once: one node delivers it").hasSize(total);
    assertInOrder(sent);

    // Redis restarts with its data while the backend is down again: what Redis kept is delivered afterwards
    backend.answer(PATH, Answer.status(500));
    for (int i = 0; i < rooms.size(); i++) {
      sent.get(rooms.get(i)).add(senders.get(i).say(rooms.get(i), "before restart"));
    }
    Await.until("the new events were attempted", Duration.ofSeconds(10),
        () -> events().stream().filter(c -> c.body().getJsonObject("data").getString("text").equals("before restart"))
            .count() >= 3);
    redis.restartKeepingData();
    backend.answer(PATH, Answer.status(200));
    Await.until("the events kept by Redis delivered", Duration.ofSeconds(30),
        () -> acknowledged().size() == total + 3);
    assertInOrder(sent);
  }

  /** Each webhook-id the backend answered 2xx, with its body (every attempt of an id carries the same event). */
  private Map<String, JsonObject> acknowledged() {
    Map<String, JsonObject> bodies = new HashMap<>();
    for (HookBackend.Call c : events()) {
      JsonObject earlier = bodies.putIfAbsent(c.id(), c.body());
      if (earlier != null) {
        assertThat(c.body()).as("a repeat of %s carries the same event", c.id()).isEqualTo(earlier);
      }
    }
    Map<String, JsonObject> byId = new LinkedHashMap<>();
    for (HookBackend.Call c : backend.acknowledged(PATH)) {
      assertThat(c.signed()).isTrue();
      JsonObject earlier = byId.putIfAbsent(c.id(), c.body());
      if (earlier != null) {
        assertThat(c.body()).as("a repeat of %s carries the same event", c.id()).isEqualTo(earlier);
      }
    }
    return byId;
  }

  /** Per room, the first delivery of each message event follows the order the messages were stored in. */
  private void assertInOrder(Map<String, List<String>> sent) {
    Map<String, List<String>> seen = new LinkedHashMap<>();
    Set<String> ids = new java.util.HashSet<>();
    for (HookBackend.Call c : events()) {
      JsonObject data = c.body().getJsonObject("data");
      if (ids.add(c.id())) {
        seen.computeIfAbsent(data.getString("room"), r -> new ArrayList<>()).add(data.getString("id"));
      }
    }
    sent.forEach((room, ids2) -> assertThat(seen.get(room)).as("room %s", room).isEqualTo(ids2));
    Map<String, Long> messagesPerId = events().stream().collect(Collectors.groupingBy(
        c -> c.body().getJsonObject("data").getString("id"), Collectors.mapping(HookBackend.Call::id,
            Collectors.toSet()))).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> (long) e.getValue().size()));
    assertThat(messagesPerId.values()).as("one webhook-id per message").allMatch(n -> n == 1);
  }

  @Test
  @DisplayName("an event undelivered past webhookMaxAgeSeconds is dead: counted, and the room's next events go on")
  void deadLetter() {
    backend.answer(PATH, Answer.status(500));
    node = TestNode.start(env(Map.of("CHAT_WEBHOOK_MAX_AGE_SECONDS", "1", "CHAT_WEBHOOK_EVENTS", "message.created")));
    WsClient ann = WsClient.connect(client, node.port(), "ann");
    ann.join("lobby");
    ann.say("lobby", "lost cause");
    Await.until("the event is dead", Duration.ofSeconds(10), () -> node.metric("roomcast_webhooks_dead_total") == 1);
    backend.answer(PATH, Answer.status(200));
    ann.say("lobby", "next one");
    Await.until("the next event delivered", Duration.ofSeconds(10),
        () -> node.metric("roomcast_webhooks_delivered_total") == 1);
    HookBackend.Call last = events().get(events().size() - 1);
    assertThat(last.body().getJsonObject("data").getString("text")).isEqualTo("next one");

    // the API lists the dead event and puts it back: delivered then, with its first id
    JsonObject dead = new JsonObject(io.roomcast.support.Http.get(node.port(), "/api/webhooks/dead").body());
    assertThat(dead.getJsonArray("events")).hasSize(1);
    JsonObject event = dead.getJsonArray("events").getJsonObject(0);
    assertThat(event.getString("type")).isEqualTo("message.created");
    assertThat(event.getJsonObject("data").getString("text")).isEqualTo("lost cause");
    var replay = io.roomcast.support.Http.send(node.port(), "POST", "/api/webhooks/dead/replay", null, Map.of());
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(replay.body()).getInteger("replayed")).isEqualTo(1);
    Await.until("the replayed event delivered", Duration.ofSeconds(10),
        () -> node.metric("roomcast_webhooks_delivered_total") == 2);
    HookBackend.Call replayed = backend.acknowledged(PATH).get(1);
    assertThat(replayed.id()).isEqualTo(event.getString("id"));
    assertThat(replayed.body().getJsonObject("data").getString("text")).isEqualTo("lost cause");
    assertThat(new JsonObject(io.roomcast.support.Http.get(node.port(), "/api/webhooks/dead").body())
        .getJsonArray("events")).isEmpty();
    assertThat(io.roomcast.support.Http.get(node.port(), "/api/webhooks/dead?limit=0").statusCode()).isEqualTo(400);
  }
}
