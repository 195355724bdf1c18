package io.roomcast.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.Http;
import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two nodes sharing rooms through one real Redis, including Redis restarts and killed subscriber connections. */
class RedisClusterIT {
  private RedisServer redis;
  private TestNode a;
  private TestNode b;
  private Vertx vertx;
  private WebSocketClient client;
  private Redis redisClient;

  @BeforeEach
  void start() {
    redis = RedisServer.startProcess();
    a = TestNode.start(Map.of("REDIS_URL", redis.url(), "CHAT_REDIS_RECONNECT_MAX_MS", "500"));
    b = TestNode.start(Map.of("REDIS_URL", redis.url(), "CHAT_REDIS_RECONNECT_MAX_MS", "500"));
    TestNode.awaitReady(a, b);
    vertx = Vertx.vertx();
    client = WsClient.newClient(vertx);
    redisClient = Redis.createClient(vertx, redis.url());
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
    a.close();
    b.close();
    redis.close();
  }

  private Response redis(Request request) {
    return Await.result(redisClient.send(request), Duration.ofSeconds(5));
  }

  /**
   * One pattern (NUMPAT counts distinct patterns) and the two room-list channels (created, deleted), held by one
   * subscriber connection per node.
   */
  private void assertSubscribers() {
    assertThat(redis(Request.cmd(Command.PUBSUB).arg("NUMPAT")).toInteger()).isEqualTo(1);
    String clients = redis(Request.cmd(Command.CLIENT).arg("LIST").arg("TYPE").arg("pubsub")).toString();
    assertThat(clients.lines().filter(l -> l.contains(" psub=1 ") && l.contains(" sub=2 "))).hasSize(2);
  }

  @Test
  @DisplayName("forged or malformed pub/sub messages are dropped and counted; one with an id from the future moves "
      + "no one's position, and later real messages arrive")
  void forgedPubSubMessages() {
    try (WsClient ann = WsClient.connect(client, a.port(), "ann");
        WsClient bob = WsClient.connect(client, b.port(), "bob")) {
      ann.join("forged");
      bob.join("forged");
      String first = ann.say("forged", "real one");
      bob.event("message");
      ann.event("message");
      long future = System.currentTimeMillis() + 3_600_000L;
      String forgedId = future + "-0";
      String channel = "chat:room:forged:msg";
      for (String payload : new String[] {
          "m" + forgedId + "\n{\"type\":\"message\",\"room\":\"forged\",\"id\":\"" + forgedId
              + "\",\"user\":\"mallory\",\"text\":\"from the future\",\"ts\":" + future + "}",
          "m99999999999999999-0\n{\"type\":\"message\",\"room\":\"forged\",\"id\":\"99999999999999999-0\","
              + "\"user\":\"mallory\",\"text\":\"x\",\"ts\":1}",
          "not a payload at all",
          "m1-0\n{\"type\":\"message\",\"room\":\"elsewhere\",\"id\":\"1-0\",\"user\":\"m\",\"text\":\"x\",\"ts\":1}",
          "pmallory\n{\"type\":\"message\",\"room\":\"forged\"}",
          "t\n{\"type\":\"typing\",\"room\":\"forged\",\"user\":\"\"}"}) {
        redis(Request.cmd(Command.PUBLISH).arg(channel).arg(payload));
      }
      Await.until("every forged message counted on both nodes", Duration.ofSeconds(5),
          () -> a.metric("roomcast_redis_pubsub_malformed_total") >= 6.0
              && b.metric("roomcast_redis_pubsub_malformed_total") >= 6.0);
      String second = ann.say("forged", "real two");
      for (WsClient c : List.of(ann, bob)) {
        JsonObject next = c.event("message");
        assertThat(next.getString("id")).as("the real message, not the forged one").isEqualTo(second);
        assertThat(c.drain("forged")).noneMatch(f -> "message".equals(f.getString("type")));
      }
      List<String> resumed = new ArrayList<>();
      try (WsClient carl = WsClient.connect(client, b.port(), "carl")) {
        carl.expect("joined", new JsonObject().put("type", "join").put("room", "forged").put("since", first));
        resumed.add(carl.event("message").getString("id"));
      }
      assertThat(resumed).containsExactly(second);
    }
  }

  /**
   * The reported attack as clients meet it: forged messages with ids a little ahead of Redis' clock (under the node's
   * clock margin, so they are delivered), between real ones posted through the HTTP API. A client gets every
   * acknowledged message, or is closed with 1001 and, resuming from the last id it saw, is either told
   * {@code recovered: false} or given the rest; never a silent gap.
   */
  @Test
  @DisplayName("forged messages just ahead of Redis' clock: each client gets every acknowledged message, or is closed "
      + "with 1001 and its resume from the last id it saw is told recovered false or replays the rest")
  void forgedIdsJustAheadAreToldToClients() {
    WsClient ann = WsClient.connect(client, a.port(), "ann");
    WsClient bob = WsClient.connect(client, b.port(), "bob");
    try {
      ann.join("ahead");
      bob.join("ahead");
      List<String> acked = new ArrayList<>(List.of(ann.say("ahead", "before")));
      for (int round = 0; round < 4; round++) {
        Response time = redis(Request.cmd(Command.TIME));
        long ahead = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000 + 100;
        String id = ahead + "-" + round;
        redis(Request.cmd(Command.PUBLISH).arg("chat:room:ahead:msg").arg("m" + id + "\n{\"type\":\"message\","
            + "\"room\":\"ahead\",\"id\":\"" + id + "\",\"user\":\"mallory\",\"text\":\"forged\",\"ts\":" + ahead + "}"));
        for (int i = 0; i < 5; i++) {
          acked.add(new JsonObject(Http.post(b.port(), "/api/rooms/ahead/messages",
              new JsonObject().put("text", "real " + round + "." + i).put("user", "svc").encode(), Map.of()).body())
              .getString("id"));
        }
      }
      String newest = acked.get(acked.size() - 1);
      for (WsClient c : List.of(ann, bob)) {
        List<String> seen = new ArrayList<>(c.messagesUntil(newest));
        if (seen.contains(newest)) {
          assertThat(seen).as("%s, never asked to resume, got every acknowledged message", c.user()).containsAll(acked);
          continue;
        }
        assertThat(c.awaitClose()).as("%s was asked to resume", c.user()).isEqualTo((short) 1001);
        try (WsClient back = WsClient.connect(client, c == ann ? a.port() : b.port(), c.user())) {
          JsonObject joined = back.expect("joined", new JsonObject().put("type", "join").put("room", "ahead")
              .put("since", seen.get(seen.size() - 1)));
          if (joined.getBoolean("recovered")) {
            seen.addAll(back.messagesUntil(newest));
            assertThat(seen).as("%s resumed and got the rest", c.user()).containsAll(acked);
          }
        }
      }
    } finally {
      ann.close();
      bob.close();
    }
  }

  @Test
  @DisplayName("both nodes PSUBSCRIBE the room pattern; a room created on A is announced on B and recorded in Redis")
  void newRoomAndLayout() {
    assertSubscribers();
    try (WsClient onA = WsClient.connect(client, a.port(), "ann");
        WsClient onB = WsClient.connect(client, b.port(), "bob")) {
      assertThat(onA.expect("ok", new JsonObject().put("type", "create").put("room", "fresh")).getBoolean("created"))
          .isTrue();
      JsonObject heard = onB.take(f -> "room".equals(f.getString("type")) && "fresh".equals(f.getString("room")));
      assertThat(heard.getString("event")).isEqualTo("created");
      assertThat(onB.expect("ok", new JsonObject().put("type", "create").put("room", "fresh")).getBoolean("created"))
          .as("B sees the room A created").isFalse();
      assertThat(redis(Request.cmd(Command.SISMEMBER).arg("chat:rooms").arg("fresh")).toInteger()).isEqualTo(1);
      onA.join("fresh");
      String id = onA.say("fresh", "stored in the stream");
      Response entries = redis(Request.cmd(Command.XRANGE).arg("chat:room:fresh:stream").arg("-").arg("+"));
      assertThat(entries.size()).isEqualTo(1);
      assertThat(entries.get(0).get(0).toString()).as("the stream id is the message id").isEqualTo(id);
    }
  }

  @Test
  @DisplayName("a message sent on A reaches members on A and B once, in order; a retried keyed send on B is stored once")
  void messagesAcrossNodes() {
    try (WsClient sender = WsClient.connect(client, a.port(), "ann");
        WsClient sameNode = WsClient.connect(client, a.port(), "amy");
        WsClient otherNode = WsClient.connect(client, b.port(), "bob")) {
      for (WsClient c : List.of(sender, sameNode, otherNode)) {
        c.join("lobby");
      }
      int n = 40;
      for (int i = 0; i < n; i++) {
        sender.send(new JsonObject().put("type", "send").put("room", "lobby").put("text", "m" + i)
            .put("key", "k" + i).put("ref", "s" + i));
      }
      List<String> acked = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String ref = "s" + i;
        acked.add(sender.take(f -> ref.equals(f.getString("ref"))).getString("id"));
      }
      for (WsClient reader : List.of(sameNode, otherNode)) {
        List<String> texts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          JsonObject m = reader.event("message");
          texts.add(m.getString("text"));
          ids.add(m.getString("id"));
        }
        assertThat(texts).containsExactlyElementsOf(java.util.stream.IntStream.range(0, n).mapToObj(i -> "m" + i)
            .toList());
        assertThat(ids).containsExactlyElementsOf(acked);
      }
      try (WsClient retry = WsClient.connect(client, b.port(), "ann")) {
        retry.join("lobby");
        JsonObject again = retry.expect("ok",
            new JsonObject().put("type", "send").put("room", "lobby").put("text", "m7").put("key", "k7"));
        assertThat(again.getString("id")).as("the first message's id").isEqualTo(acked.get(7));
      }
      assertThat(redis(Request.cmd(Command.XLEN).arg("chat:room:lobby:stream")).toInteger()).isEqualTo(n);
      assertThat(otherNode.drain("lobby")).as("nothing twice").noneMatch(f -> "message".equals(f.getString("type")));
    }
  }

  @Test
  @DisplayName("presence spans nodes: a user with tabs on A and B is one member, joining and leaving once")
  void presenceAcrossNodes() {
    try (WsClient bob = WsClient.connect(client, b.port(), "bob")) {
      bob.join("hall");
      WsClient tabA = WsClient.connect(client, a.port(), "alice");
      WsClient tabB = WsClient.connect(client, b.port(), "alice");
      tabA.join("hall");
      bob.take(f -> WsClient.isPresence(f, "join", "alice"));
      assertThat(tabB.join("hall").getJsonArray("members").getList()).containsExactlyInAnyOrder("alice", "bob");
      assertThat(bob.drain("hall")).noneMatch(f -> "presence".equals(f.getString("type")));
      assertThat(bob.members("hall")).containsExactlyInAnyOrder("alice", "bob");
      tabA.close();
      assertThat(bob.drain("hall")).as("alice is still here on B").noneMatch(f -> "presence".equals(f.getString("type")));
      assertThat(bob.members("hall")).containsExactlyInAnyOrder("alice", "bob");
      tabB.close();
      bob.take(f -> WsClient.isPresence(f, "leave", "alice"));
      assertThat(bob.members("hall")).containsExactly("bob");
    }
  }

  @Test
  @DisplayName("Redis killed: not ready, sends answered 'unavailable', sockets stay open; restarted without its data: "
      + "every room's connections are told to resume (recovered false), and chat resumes")
  void redisRestart() {
    try (WsClient ann = WsClient.connect(client, a.port(), "ann");
        WsClient bob = WsClient.connect(client, b.port(), "bob");
        WsClient carl = WsClient.connect(client, a.port(), "carl");
        WsClient dave = WsClient.connect(client, b.port(), "dave")) {
      ann.join("ops");
      bob.join("ops");
      String before = ann.say("ops", "before");
      bob.event("message");
      carl.join("quiet");
      dave.join("quiet");

      redis.kill();
      Await.until("both nodes not ready", Duration.ofSeconds(10), () -> !a.ready() && !b.ready());
      JsonObject refused = ann.expect("error",
          new JsonObject().put("type", "send").put("room", "ops").put("text", "during"));
      assertThat(refused.getString("code")).isEqualTo("unavailable");
      for (WsClient c : List.of(ann, bob, carl, dave)) {
        assertThat(c.isClosed()).as("connected through the outage").isFalse();
      }

      redis.restart();
      TestNode.awaitReady(a, b);
      // the restart lost the data: the rooms' messages cannot be replayed, so their connections are asked to resume;
      // the quiet room's too, since a message stored just before the loss may not have reached a node
      for (WsClient c : List.of(ann, bob, carl, dave)) {
        assertThat(c.awaitClose()).isEqualTo((short) 1001);
      }
      try (WsClient back = WsClient.connect(client, b.port(), "bob");
          WsClient carl2 = WsClient.connect(client, a.port(), "carl");
          WsClient dave2 = WsClient.connect(client, b.port(), "dave")) {
        assertThat(back.expect("joined", new JsonObject().put("type", "join").put("room", "ops").put("since", before))
            .getBoolean("recovered")).as("told, not silently").isFalse();
        carl2.join("quiet");
        dave2.join("quiet");
        assertThat(dave2.members("quiet")).containsExactlyInAnyOrder("carl", "dave");
        String id = carl2.say("quiet", "after");
        assertThat(dave2.event("message").getString("id")).isEqualTo(id);
      }
      assertThat(a.metric("roomcast_redis_reconnects_total")).isGreaterThanOrEqualTo(1.0);
    }
  }

  @Test
  @DisplayName("CLIENT KILL TYPE pubsub: both nodes subscribe again and chat works afterwards")
  void subscriberKilled() {
    try (WsClient ann = WsClient.connect(client, a.port(), "ann");
        WsClient bob = WsClient.connect(client, b.port(), "bob")) {
      ann.join("kill");
      bob.join("kill");
      assertThat(redis(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("pubsub")).toInteger()).isEqualTo(2);
      Await.until("both nodes resubscribed", Duration.ofSeconds(10),
          () -> a.metric("roomcast_redis_reconnects_total") >= 1 && b.metric("roomcast_redis_reconnects_total") >= 1);
      TestNode.awaitReady(a, b);
      assertSubscribers();
      String id = ann.say("kill", "after the kill");
      assertThat(bob.event("message").getString("id")).isEqualTo(id);
      assertThat(ann.event("message").getString("id")).isEqualTo(id);
      assertThat(ann.members("kill")).containsExactlyInAnyOrder("ann", "bob");
    }
  }

  @Test
  @DisplayName("a subscription gap while Redis stays up: the messages stored meanwhile arrive in order, once, then live")
  void backfillAfterGap() {
    try (TestNode c = TestNode.start(Map.of("REDIS_URL", redis.url(),
            "CHAT_REDIS_RECONNECT_MIN_MS", "1500", "CHAT_REDIS_RECONNECT_MAX_MS", "1500"))) {
      TestNode.awaitReady(c);
      try (WsClient ann = WsClient.connect(client, a.port(), "ann");
          WsClient bob = WsClient.connect(client, c.port(), "bob")) {
        ann.join("gap");
        bob.join("gap");
        ann.say("gap", "m0");
        bob.event("message");

        killSubscriberOf(c);
        Await.until("node c notices the gap", Duration.ofSeconds(5), () -> !c.ready());

        List<String> stored = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
          stored.add(ann.say("gap", "m" + i));
        }
        TestNode.awaitReady(c);
        List<String> seen = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
          seen.add(bob.event("message").getString("id"));
        }
        assertThat(seen).containsExactlyElementsOf(stored);
        assertThat(c.metric("roomcast_redis_backfilled_total")).isEqualTo(10.0);
        String live = ann.say("gap", "live");
        assertThat(bob.event("message").getString("id")).isEqualTo(live);
        assertThat(bob.drain("gap")).as("nothing twice").noneMatch(f -> "message".equals(f.getString("type")));
        assertThat(bob.isClosed()).isFalse();
      }
    }
  }

  @Test
  @DisplayName("a frozen Redis (SIGSTOP): readiness 503, requests answered unavailable within the bridge timeout, "
      + "sockets open; after SIGCONT chat goes on")
  void frozenRedis() {
    try (TestNode c = TestNode.start(Map.of("REDIS_URL", redis.url(), "CHAT_BRIDGE_TIMEOUT_MS", "800",
            "CHAT_REDIS_PING_INTERVAL_MS", "300"))) {
      TestNode.awaitReady(c);   // a node refuses upgrades (503) until it has synced with Redis
      try (WsClient ann = WsClient.connect(client, c.port(), "ann");
          WsClient bob = WsClient.connect(client, a.port(), "bob")) {
        ann.join("frozen");
        bob.join("frozen");
        redis.freeze();
        try {
          Await.until("not ready while Redis is frozen", Duration.ofSeconds(10), () -> !c.ready());
          JsonObject refused = ann.expect("error", new JsonObject().put("type", "send").put("room", "frozen")
              .put("text", "into the ice").put("key", "ice"));
          assertThat(refused.getString("code")).isEqualTo("unavailable");
          assertThat(ann.expect("error", new JsonObject().put("type", "join").put("room", "other")).getString("code"))
              .isEqualTo("unavailable");
          assertThat(ann.isClosed()).isFalse();
        } finally {
          redis.thaw();
        }
        TestNode.awaitReady(c, a);
        String id = ann.expect("ok", new JsonObject().put("type", "send").put("room", "frozen").put("text", "thawed")
            .put("key", "thawed")).getString("id");
        assertThat(bob.take(f -> "message".equals(f.getString("type")) && "thawed".equals(f.getString("text")))
            .getString("id")).isEqualTo(id);
        assertThat(bob.drain("frozen")).as("no duplicate").noneMatch(f -> "message".equals(f.getString("type"))
            && "thawed".equals(f.getString("text")));
      }
    }
  }

  @Test
  @DisplayName("a subscription gap longer than the retained history: the room's connections are closed with 1001 and "
      + "their resume answers recovered false")
  void gapBeyondHistory() {
    Map<String, String> shortHistory = Map.of("REDIS_URL", redis.url(), "CHAT_HISTORY_SIZE", "3",
        "CHAT_REDIS_RECONNECT_MIN_MS", "1500", "CHAT_REDIS_RECONNECT_MAX_MS", "1500");
    try (TestNode c = TestNode.start(shortHistory);
        TestNode writerNode = TestNode.start(shortHistory)) {
      TestNode.awaitReady(c, writerNode);
      try (WsClient ann = WsClient.connect(client, writerNode.port(), "ann");
          WsClient bob = WsClient.connect(client, c.port(), "bob")) {
        ann.join("long-gap");
        bob.join("long-gap");
        String seen = ann.say("long-gap", "m0");
        assertThat(bob.event("message").getString("id")).isEqualTo(seen);
        killSubscriberOf(c);
        Await.until("node c notices the gap", Duration.ofSeconds(5), () -> !c.ready());
        for (int i = 1; i <= 8; i++) {
          ann.say("long-gap", "m" + i);   // the stream keeps the newest 3: m0 and m1..m5 are gone
        }
        TestNode.awaitReady(c);
        assertThat(bob.awaitClose()).isEqualTo((short) 1001);
        try (WsClient back = WsClient.connect(client, c.port(), "bob")) {
          assertThat(back.expect("joined", new JsonObject().put("type", "join").put("room", "long-gap")
              .put("since", seen)).getBoolean("recovered")).as("told, not silently").isFalse();
        }
      }
    }
  }

  /** Kills node {@code c}'s subscriber connection (found by the name it gives itself) while Redis stays up. */
  private void killSubscriberOf(TestNode c) {
    String name = "roomcast-sub-" + c.node().config().nodeId();
    String line = redis(Request.cmd(Command.CLIENT).arg("LIST").arg("TYPE").arg("pubsub")).toString().lines()
        .filter(l -> l.contains(" name=" + name + " ")).findFirst().orElseThrow();
    String id = line.replaceAll("^id=(\\d+) .*$", "$1");
    assertThat(redis(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(id)).toInteger()).isEqualTo(1);
  }
}
