package io.roomcast.it.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.Http;
import io.roomcast.support.NodeTest;
import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import io.roomcast.support.Tokens;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How many rooms exist and for how long, on both brokers: the room limit, the per-user creation quota, the HTTP API's
 * rate limit, idle rooms expiring, and idempotency keys scoped by user. With Redis, two nodes share it and each
 * test's clients sit on both.
 */
class RoomLifecycleIT extends NodeTest {
  private static final String SECRET = "lifecycle-secret-long-enough-for-hs256!";
  private RedisServer redis;
  /** The second node (Redis runs only); the first is {@link #node}. */
  private TestNode other;

  @AfterEach
  void stopCluster() {
    if (other != null) {
      other.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private void start(String broker, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    if (broker.equals("redis")) {
      redis = RedisServer.startProcess();
      env.put("REDIS_URL", redis.url());
      node = TestNode.start(env);
      other = TestNode.start(env);
      TestNode.awaitReady(node, other);
    } else {
      node = TestNode.start(env);
      other = null;
    }
  }

  /** The port of the second node when there is one, else the first's. */
  private int otherPort() {
    return other != null ? other.port() : node.port();
  }

  private static JsonObject create(String room) {
    return new JsonObject().put("type", "create").put("room", room);
  }

  private static List<Object> rooms(WsClient c) {
    return c.expect("rooms", new JsonObject().put("type", "rooms")).getJsonArray("rooms").getList();
  }

  private HttpResponse<String> post(String room, String user, Map<String, String> headers) {
    return Http.post(node.port(), "/api/rooms/" + room + "/messages",
        new JsonObject().put("text", "hi").put("user", user).encode(), headers);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("at maxRooms, create, join and an API post of a new room are refused with too_many_rooms; nothing changes")
  void maxRooms(String broker) {
    start(broker, Map.of("CHAT_MAX_ROOMS", "3"));
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      ann.expect("ok", create("full-1"));
      ann.join("full-2");
      ann.expect("ok", create("full-3"));
      assertThat(ann.expect("error", create("full-4")).getString("code")).isEqualTo("too_many_rooms");
      assertThat(ann.expect("error", new JsonObject().put("type", "join").put("room", "full-5")).getString("code"))
          .isEqualTo("too_many_rooms");
      HttpResponse<String> posted = post("full-6", "svc", Map.of());
      assertThat(posted.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(posted.body()).getString("code")).isEqualTo("too_many_rooms");
      assertThat(rooms(ann)).containsExactlyInAnyOrder("full-1", "full-2", "full-3");
      assertThat(ann.expect("ok", create("full-1")).getBoolean("created")).as("an existing room").isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("anonymous mode: one client address may create roomCreateQuota rooms per window, by any name or API post")
  void creationQuotaByAddress(String broker) {
    start(broker, Map.of("CHAT_ROOM_CREATE_QUOTA", "2"));
    try (WsClient ann = WsClient.connect(client, node.port(), "ann");
        WsClient renamed = WsClient.connect(client, otherPort(), "not-ann")) {
      ann.expect("ok", create("quota-1"));
      ann.join("quota-2");
      JsonObject refused = ann.expect("error", create("quota-3"));
      assertThat(refused.getString("code")).isEqualTo("rate_limited");
      assertThat(refused.getString("message")).contains("quota");
      assertThat(renamed.expect("error", new JsonObject().put("type", "join").put("room", "quota-4"))
          .getString("code")).as("another name from the same address").isEqualTo("rate_limited");
      assertThat(post("quota-5", "svc", Map.of()).statusCode()).as("the API from the same address").isEqualTo(429);
      renamed.join("quota-1");
      assertThat(post("quota-2", "svc", Map.of()).statusCode()).as("posting to an existing room").isEqualTo(201);
      assertThat(rooms(ann)).containsExactlyInAnyOrder("quota-1", "quota-2");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("JWT mode: the creation quota is the user's; another user from the same address still creates rooms")
  void creationQuotaByUser(String broker) {
    start(broker, Map.of("CHAT_ROOM_CREATE_QUOTA", "1", "CHAT_JWT_SECRET", SECRET));
    Tokens tokens = Tokens.hs256(vertx, SECRET);
    try (WsClient alice = WsClient.connect(client, node.port(), "/ws?token=" + tokens.issue("alice"), Map.of());
        WsClient bob = WsClient.connect(client, otherPort(), "/ws?token=" + tokens.issue("bob"), Map.of())) {
      alice.expect("ok", create("mine-1"));
      assertThat(alice.expect("error", create("mine-2")).getString("code")).isEqualTo("rate_limited");
      bob.expect("ok", create("bobs-1"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory"})
  @DisplayName("the HTTP API is rate-limited per client address: beyond the burst, 429 rate_limited; sockets unaffected")
  void apiRateLimit(String broker) {
    start(broker, Map.of("CHAT_API_BURST", "3", "CHAT_API_RATE_PER_SECOND", "1"));
    int refused = 0;
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = Http.get(node.port(), "/api/rooms");
      if (r.statusCode() == 429) {
        assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("rate_limited");
        refused++;
      }
    }
    assertThat(refused).as("calls beyond a burst of 3 within a second or two").isGreaterThanOrEqualTo(1);
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      rooms(ann);
    }
    Await.until("the bucket to refill", Duration.ofSeconds(5),
        () -> Http.get(node.port(), "/api/rooms").statusCode() == 200);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("a room left empty and silent for roomIdleExpirySeconds is deleted with its history and announced; "
      + "a room with a member stays")
  void idleRoomsExpire(String broker) {
    start(broker, Map.of("CHAT_ROOM_IDLE_EXPIRY_SECONDS", "1"));
    try (WsClient ann = WsClient.connect(client, node.port(), "ann");
        WsClient watcher = WsClient.connect(client, otherPort(), "watcher")) {
      ann.join("busy");
      ann.join("idle");
      ann.say("idle", "soon gone");
      ann.expect("ok", new JsonObject().put("type", "leave").put("room", "idle"));
      JsonObject deleted = watcher.take(f -> "room".equals(f.getString("type")) && "idle".equals(f.getString("room"))
          && "deleted".equals(f.getString("event")));
      assertThat(deleted).isEqualTo(new JsonObject().put("type", "room").put("room", "idle").put("event", "deleted"));
      assertThat(rooms(watcher)).contains("busy").doesNotContain("idle");
      assertThat(watcher.expect("history", new JsonObject().put("type", "history").put("room", "idle"))
          .getJsonArray("messages")).as("its history went with it").isEmpty();
      ann.say("busy", "still here");
      assertThat(ann.expect("joined", new JsonObject().put("type", "join").put("room", "idle"))
          .getBoolean("recovered")).as("a deleted room can be created again").isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("a room deleted for being idle takes its idempotency keys and positions along: in the room made again "
      + "an old key stores the message anew, and an old position is not recovered")
  void deletedRoomForgetsItsKeys(String broker) {
    // the room expires well inside the idempotency window (the default 10 minutes)
    start(broker, Map.of("CHAT_ROOM_IDLE_EXPIRY_SECONDS", "1"));
    try (WsClient ann = WsClient.connect(client, node.port(), "ann");
        WsClient watcher = WsClient.connect(client, otherPort(), "watcher")) {
      String position = ann.join("again").getString("last");
      JsonObject send = new JsonObject().put("type", "send").put("room", "again").put("text", "keyed").put("key", "k1");
      String first = ann.expect("ok", send).getString("id");
      ann.expect("ok", new JsonObject().put("type", "leave").put("room", "again"));
      watcher.take(f -> "room".equals(f.getString("type")) && "again".equals(f.getString("room"))
          && "deleted".equals(f.getString("event")));
      if (redis != null) {
        assertThat(redis.cli("--scan", "--pattern", "chat:room:again:*")).as("no key of the room is left").isBlank();
      }
      assertThat(ann.expect("joined", new JsonObject().put("type", "join").put("room", "again").put("since", position))
          .getBoolean("recovered")).as("a position in the deleted room").isFalse();
      String second = ann.expect("ok", send).getString("id");
      assertThat(second).as("the old key means nothing in the new room").isNotEqualTo(first);
      assertThat(ann.expect("history", new JsonObject().put("type", "history").put("room", "again"))
          .getJsonArray("messages").stream().map(o -> ((JsonObject) o).getString("id"))).containsExactly(second);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("idempotency keys are scoped by user: another user's send with the same key is stored as its own")
  void keysScopedByUser(String broker) {
    start(broker, Map.of());
    try (WsClient alice = WsClient.connect(client, node.port(), "alice");
        WsClient bob = WsClient.connect(client, otherPort(), "bob")) {
      alice.join("keys");
      bob.join("keys");
      JsonObject send = new JsonObject().put("type", "send").put("room", "keys").put("key", "shared-key");
      String bobs = bob.expect("ok", send.copy().put("text", "from bob")).getString("id");
      String alices = alice.expect("ok", send.copy().put("text", "from alice")).getString("id");
      assertThat(alices).isNotEqualTo(bobs);
      assertThat(bob.expect("ok", send.copy().put("text", "from bob")).getString("id")).as("bob's repeat").isEqualTo(bobs);
      List<String> texts = alice.expect("history", new JsonObject().put("type", "history").put("room", "keys"))
          .getJsonArray("messages").stream().map(o -> ((JsonObject) o).getString("text")).toList();
      assertThat(texts).containsExactly("from bob", "from alice");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("an idempotency key is remembered for idempotencyWindowSeconds, then the same send is stored anew")
  void idempotencyKeysExpire(String broker) {
    start(broker, Map.of("CHAT_IDEMPOTENCY_WINDOW_SECONDS", "1"));
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      ann.join("window");
      JsonObject send = new JsonObject().put("type", "send").put("room", "window").put("text", "once").put("key", "k");
      String first = ann.expect("ok", send).getString("id");
      assertThat(ann.expect("ok", send).getString("id")).as("within the window").isEqualTo(first);
      Await.until("the key to expire", Duration.ofSeconds(10), () -> !ann.expect("ok", send).getString("id").equals(first));
      assertThat(ann.expect("history", new JsonObject().put("type", "history").put("room", "window"))
          .getJsonArray("messages")).as("stored once in the window, once after it").hasSize(2);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("history and members of a room that does not exist are empty and do not create it")
  void readingAMissingRoomCreatesNothing(String broker) {
    start(broker, Map.of());
    try (WsClient ann = WsClient.connect(client, node.port(), "ann");
        WsClient bob = WsClient.connect(client, otherPort(), "bob")) {
      bob.join("witness");
      assertThat(ann.expect("history", new JsonObject().put("type", "history").put("room", "nowhere"))
          .getJsonArray("messages")).isEmpty();
      assertThat(ann.members("nowhere")).isEmpty();
      assertThat(Http.get(node.port(), "/api/rooms/nowhere/messages").statusCode()).isEqualTo(200);
      assertThat(Http.get(node.port(), "/api/rooms/nowhere/members").statusCode()).isEqualTo(200);
      assertThat(rooms(ann)).containsExactly("witness");
      assertThat(bob.drainAnnouncements()).noneMatch(f -> "room".equals(f.getString("type"))
          && "nowhere".equals(f.getString("room")));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("joining a room already joined answers joined again (current members, recovered false), replays "
      + "nothing and changes nothing")
  void joinTwice(String broker) {
    start(broker, Map.of());
    try (WsClient ann = WsClient.connect(client, node.port(), "ann");
        WsClient bob = WsClient.connect(client, otherPort(), "bob")) {
      ann.join("twice");
      bob.join("twice");
      String id = bob.say("twice", "one");
      ann.event("message");
      // ann's first join, published before bob joined on the other node, may still reach him after his join: what
      // counts here is what ann's second join sends
      bob.drain("twice");
      JsonObject again = ann.expect("joined",
          new JsonObject().put("type", "join").put("room", "twice").put("since", "0-0"));
      assertThat(again.getBoolean("recovered")).isFalse();
      assertThat(again.getJsonArray("members").getList()).containsExactlyInAnyOrder("ann", "bob");
      assertThat(ann.drain("twice")).as("no replay").noneMatch(f -> "message".equals(f.getString("type")));
      assertThat(bob.drain("twice")).as("no second presence join").noneMatch(f -> "presence".equals(f.getString("type")));
      ann.expect("ok", new JsonObject().put("type", "leave").put("room", "twice"));
      bob.take(f -> WsClient.isPresence(f, "leave", "ann"));
      assertThat(bob.members("twice")).as("one leave undoes both joins").containsExactly("bob");
      assertThat(id).isNotNull();
    }
  }
}
