package io.roomcast.it.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Protocol v1 as a client sees it, written from protocol.md. Subclasses decide where the n-th client connects: one
 * node, or several nodes sharing a broker. Each test uses rooms of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProtocolContract {
  private Vertx clientVertx;
  private WebSocketClient wsClient;
  private final List<WsClient> clients = new ArrayList<>();

  /** The port the n-th client of a test connects to. */
  protected abstract int portFor(int clientIndex);

  /** The node id the n-th client should see in {@code welcome}. */
  protected abstract String nodeFor(int clientIndex);

  @BeforeAll
  void startClients() {
    clientVertx = Vertx.vertx();
    wsClient = WsClient.newClient(clientVertx);
  }

  @AfterEach
  void closeClients() {
    clients.forEach(WsClient::close);
    clients.clear();
  }

  @AfterAll
  void stopClients() {
    clientVertx.close();
  }

  protected WsClient client(String user) {
    WsClient c = WsClient.connect(wsClient, portFor(clients.size()), user);
    clients.add(c);
    return c;
  }

  protected static String room() {
    return "room-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  }

  private static JsonObject frame(String type) {
    return new JsonObject().put("type", type);
  }

  private static JsonObject frame(String type, String room) {
    return frame(type).put("room", room);
  }

  private static List<String> strings(JsonArray a) {
    return a.stream().map(Object::toString).collect(Collectors.toList());
  }

  @Test
  @DisplayName("welcome is the first frame: user, session, node and protocol 1; no name gets a guest name")
  void welcome() {
    WsClient ann = client("ann");
    assertThat(ann.welcome().getString("user")).isEqualTo("ann");
    assertThat(ann.welcome().getString("session")).isNotBlank();
    assertThat(ann.welcome().getString("node")).isEqualTo(nodeFor(0));
    assertThat(ann.welcome().getInteger("protocol")).isEqualTo(1);
    assertThat(strings(ann.welcome().getJsonArray("features"))).as("the extensions spoken").contains("position");
    WsClient anon = client(null);
    assertThat(anon.user()).matches("guest-[A-Za-z0-9]+");
    assertThat(anon.welcome().getString("session")).isNotEqualTo(ann.welcome().getString("session"));
  }

  @Test
  @DisplayName("create answers created=true once, and every client hears of the new room once")
  void createAnnouncesOnce() {
    WsClient ann = client("ann");
    WsClient bob = client("bob");
    String room = room();
    JsonObject first = ann.expect("ok", frame("create", room));
    assertThat(first.getString("room")).isEqualTo(room);
    assertThat(first.getBoolean("created")).isTrue();
    assertThat(ann.expect("ok", frame("create", room)).getBoolean("created")).isFalse();
    JsonObject heard = bob.take(f -> "room".equals(f.getString("type")) && room.equals(f.getString("room")));
    assertThat(heard.getString("event")).isEqualTo("created");
    assertThat(bob.drainAnnouncements()).noneMatch(f -> "room".equals(f.getString("type")) && room.equals(f.getString("room")));
    assertThat(strings(bob.expect("rooms", frame("rooms")).getJsonArray("rooms"))).contains(room);
  }

  @Test
  @DisplayName("join of a room that does not exist creates and announces it; joined lists the members")
  void joinCreates() {
    WsClient ann = client("ann");
    WsClient bob = client("bob");
    String room = room();
    JsonObject joined = ann.join(room);
    assertThat(joined.getString("room")).isEqualTo(room);
    assertThat(strings(joined.getJsonArray("members"))).containsExactly("ann");
    assertThat(joined.getBoolean("recovered")).isFalse();
    bob.take(f -> "room".equals(f.getString("type")) && room.equals(f.getString("room")));
    assertThat(strings(bob.join(room).getJsonArray("members"))).containsExactlyInAnyOrder("ann", "bob");
  }

  @Test
  @DisplayName("a message reaches every member, the sender included, with id, user, text and ts")
  void messageFanOut() {
    WsClient ann = client("ann");
    WsClient bob = client("bob");
    WsClient carl = client("carl");
    String room = room();
    ann.join(room);
    bob.join(room);
    long before = System.currentTimeMillis();
    String text = "<b>hello</b> & \"quotes\" \u00e9\uD83D\uDE00";
    String id = ann.say(room, text);
    for (WsClient c : List.of(ann, bob)) {
      JsonObject m = c.event("message");
      assertThat(m.getString("room")).isEqualTo(room);
      assertThat(m.getString("id")).isEqualTo(id);
      assertThat(m.getString("user")).isEqualTo("ann");
      assertThat(m.getString("text")).isEqualTo(text);
      assertThat(m.getLong("ts")).isBetween(before - 5000, System.currentTimeMillis() + 5000);
    }
    ann.drain(room);
    assertThat(carl.drain()).as("a non-member gets nothing").noneMatch(f -> "message".equals(f.getString("type")));
  }

  @Test
  @DisplayName("messages sent without waiting are stored in send order, and everyone sees that order")
  void pipelinedOrder() {
    WsClient ann = client("ann");
    WsClient bob = client("bob");
    String room = room();
    ann.join(room);
    bob.join(room);
    int n = 30;
    for (int i = 0; i < n; i++) {
      ann.send(frame("send", room).put("text", "m" + i).put("ref", "s" + i));
    }
    List<String> ackIds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String ref = "s" + i;
      ackIds.add(ann.take(f -> ref.equals(f.getString("ref"))).getString("id"));
    }
    List<String> texts = new ArrayList<>();
    List<String> seenIds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      JsonObject m = bob.event("message");
      texts.add(m.getString("text"));
      seenIds.add(m.getString("id"));
    }
    assertThat(texts).containsExactlyElementsOf(Stream.iterate(0, i -> i + 1).limit(n).map(i -> "m" + i).toList());
    assertThat(seenIds).containsExactlyElementsOf(ackIds).doesNotHaveDuplicates();
    JsonObject history = bob.expect("history", frame("history", room).put("limit", 100));
    assertThat(history.getJsonArray("messages").stream().map(o -> ((JsonObject) o).getString("id")).toList())
        .as("history order is id order").containsExactlyElementsOf(ackIds);
  }

  @Test
  @DisplayName("a repeated send with the same key stores nothing new and answers the first id")
  void idempotentSend() {
    WsClient ann = client("ann");
    WsClient bob = client("bob");
    String room = room();
    ann.join(room);
    bob.join(room);
    JsonObject send = frame("send", room).put("text", "once").put("key", "k-1");
    String first = ann.expect("ok", send).getString("id");
    String again = ann.expect("ok", send).getString("id");
    assertThat(again).isEqualTo(first);
    String other = ann.expect("ok", frame("send", room).put("text", "once").put("key", "k-2")).getString("id");
    assertThat(other).isNotEqualTo(first);
    List<JsonObject> seen = new ArrayList<>(bob.drain(room));
    assertThat(seen.stream().filter(f -> "message".equals(f.getString("type"))).map(f -> f.getString("id")))
        .containsExactly(first, other);
  }

  @Test
  @DisplayName("history returns messages oldest first, pages with before, and honours limit")
  void history() {
    WsClient ann = client("ann");
    String room = room();
    ann.join(room);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(ann.say(room, "h" + i));
    }
    WsClient reader = client("reader");
    JsonObject all = reader.expect("history", frame("history", room));
    assertThat(all.getString("room")).isEqualTo(room);
    assertThat(idsOf(all)).containsExactlyElementsOf(ids);
    JsonObject last3 = reader.expect("history", frame("history", room).put("limit", 3));
    assertThat(idsOf(last3)).containsExactlyElementsOf(ids.subList(4, 7));
    JsonObject page = reader.expect("history", frame("history", room).put("before", ids.get(4)).put("limit", 2));
    assertThat(idsOf(page)).containsExactlyElementsOf(ids.subList(2, 4));
    JsonObject first = all.getJsonArray("messages").getJsonObject(0);
    assertThat(first.getString("user")).isEqualTo("ann");
    assertThat(first.getString("text")).isEqualTo("h0");
    assertThat(first.getLong("ts")).isPositive();
  }

  @Test
  @DisplayName("history before 0-0 (the id before every message) is empty, not an error")
  void historyBeforeTheFirstId() {
    WsClient ann = client("ann");
    String room = room();
    ann.join(room);
    ann.say(room, "x");
    assertThat(ann.expect("history", frame("history", room).put("before", "0-0")).getJsonArray("messages")).isEmpty();
  }

  private static List<String> idsOf(JsonObject history) {
    return history.getJsonArray("messages").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  @Test
  @DisplayName("members lists the users in the room; after leave the connection gets nothing more from it")
  void membersAndLeave() {
    WsClient ann = client("ann");
    WsClient bob = client("bob");
    String room = room();
    ann.join(room);
    bob.join(room);
    JsonObject members = ann.expect("members", frame("members", room));
    assertThat(members.getString("room")).isEqualTo(room);
    assertThat(strings(members.getJsonArray("users"))).containsExactlyInAnyOrder("ann", "bob");
    JsonObject left = bob.expect("ok", frame("leave", room));
    assertThat(left.getString("room")).isEqualTo(room);
    ann.say(room, "after bob left");
    assertThat(bob.drain()).noneMatch(f -> "message".equals(f.getString("type")));
    assertThat(strings(ann.expect("members", frame("members", room)).getJsonArray("users"))).containsExactly("ann");
    JsonObject refused = bob.expect("error", frame("send", room).put("text", "x"));
    assertThat(refused.getString("code")).isEqualTo("not_joined");
  }

  @Test
  @DisplayName("typing reaches the others in the room, not the typist")
  void typing() {
    WsClient ann = client("ann");
    WsClient bob = client("bob");
    String room = room();
    ann.join(room);
    bob.join(room);
    ann.send(frame("typing", room));
    JsonObject t = bob.event("typing");
    assertThat(t.getString("room")).isEqualTo(room);
    assertThat(t.getString("user")).isEqualTo("ann");
    assertThat(ann.drain(room)).noneMatch(f -> "typing".equals(f.getString("type")));
  }

  @Test
  @DisplayName("ping answers pong with the ref")
  void ping() {
    WsClient ann = client("ann");
    ann.send(frame("ping").put("ref", "p-1"));
    assertThat(ann.next(f -> true)).isEqualTo(new JsonObject().put("type", "pong").put("ref", "p-1"));
  }

  private static JsonObject joinSince(String room, String since) {
    return frame("join", room).put("since", since);
  }

  private static List<String> messageIds(List<JsonObject> frames) {
    return frames.stream().filter(f -> "message".equals(f.getString("type"))).map(f -> f.getString("id")).toList();
  }

  /** The ids of the client's next {@code n} frames, each of which must be a message (a replay comes first). */
  private static List<String> nextMessages(WsClient c, int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(c.next(f -> "message".equals(f.getString("type"))).getString("id"));
    }
    return ids;
  }

  @Test
  @DisplayName("join with since replays exactly the messages after it, in order, then continues live")
  void resume() {
    WsClient ann = client("ann");
    String room = room();
    ann.join(room);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(ann.say(room, "r" + i));
    }
    WsClient bob = client("bob");
    JsonObject joined = bob.expect("joined", joinSince(room, ids.get(1)));
    assertThat(joined.getBoolean("recovered")).isTrue();
    assertThat(nextMessages(bob, 2)).containsExactly(ids.get(2), ids.get(3));
    String live = ann.say(room, "live");
    assertThat(bob.event("message").getString("id")).isEqualTo(live);
    assertThat(messageIds(bob.drain(room))).as("nothing twice").isEmpty();
  }

  @Test
  @DisplayName("position: a member that joined a quiet room and lost its connection before anyone spoke resumes from "
      + "joined.last with every message sent meanwhile, recovered, then live")
  void resumeFromAnEmptyRoomsPosition() {
    WsClient ann = client("ann");
    String room = room();
    String position = ann.join(room).getString("last");
    assertThat(position).as("joined.last of a room that holds no message").isNotBlank();
    ann.close();
    WsClient bob = client("bob");
    bob.join(room);
    List<String> meanwhile = List.of(bob.say(room, "line 1"), bob.say(room, "line 2"));
    WsClient back = client("ann");
    JsonObject joined = back.expect("joined", joinSince(room, position));
    assertThat(joined.getBoolean("recovered")).isTrue();
    assertThat(joined.getString("last")).as("a recovered resume keeps its since").isEqualTo(position);
    assertThat(nextMessages(back, 2)).containsExactlyElementsOf(meanwhile);
    String live = bob.say(room, "line 3");
    assertThat(back.event("message").getString("id")).isEqualTo(live);
    assertThat(messageIds(back.drain(room))).as("nothing twice").isEmpty();
  }

  @Test
  @DisplayName("position: joined.last is the newest stored id; a resume from it replays what came after; a join that "
      + "does not recover gives the position at that join")
  void positionIsTheNewestId() {
    WsClient ann = client("ann");
    String room = room();
    ann.join(room);
    String first = ann.say(room, "first");
    WsClient bob = client("bob");
    String position = bob.join(room).getString("last");
    assertThat(position).isEqualTo(first);
    bob.close();
    String second = ann.say(room, "second");
    WsClient back = client("bob");
    assertThat(back.expect("joined", joinSince(room, position)).getBoolean("recovered")).isTrue();
    assertThat(back.next(f -> "message".equals(f.getString("type"))).getString("id")).isEqualTo(second);
    WsClient carl = client("carl");
    JsonObject unknown = carl.expect("joined", joinSince(room, "1-0"));
    assertThat(unknown.getBoolean("recovered")).isFalse();
    assertThat(unknown.getString("last")).isEqualTo(second);
  }

  @Test
  @DisplayName("join with the newest id replays nothing and is recovered")
  void resumeUpToDate() {
    WsClient ann = client("ann");
    String room = room();
    ann.join(room);
    String last = ann.say(room, "only");
    WsClient bob = client("bob");
    assertThat(bob.expect("joined", joinSince(room, last)).getBoolean("recovered")).isTrue();
    assertThat(messageIds(bob.drain(room))).isEmpty();
  }

  @Test
  @DisplayName("join with an id the room never had is not recovered and replays nothing")
  void resumeUnknown() {
    WsClient ann = client("ann");
    String room = room();
    ann.join(room);
    ann.say(room, "x");
    WsClient bob = client("bob");
    assertThat(bob.expect("joined", joinSince(room, "1-0")).getBoolean("recovered")).isFalse();
    assertThat(messageIds(bob.drain(room))).isEmpty();
    WsClient carl = client("carl");
    assertThat(carl.expect("joined", joinSince(room, "not-an-id")).getBoolean("recovered")).isFalse();
  }

  @Test
  @DisplayName("a resume while others send at full speed has no gap and no duplicate")
  void resumeDuringSends() {
    WsClient writer = client("writer");
    String room = room();
    writer.join(room);
    List<String> acked = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      acked.add(writer.say(room, "w" + i));
    }
    int more = 40;
    for (int i = 0; i < more; i++) {
      writer.send(frame("send", room).put("text", "p" + i).put("ref", "p" + i));
    }
    WsClient reader = client("reader");
    reader.send(joinSince(room, acked.get(2)).put("ref", "j"));
    for (int i = 0; i < more; i++) {
      String ref = "p" + i;
      acked.add(writer.take(f -> ref.equals(f.getString("ref"))).getString("id"));
    }
    assertThat(reader.take(f -> "j".equals(f.getString("ref"))).getBoolean("recovered")).isTrue();
    List<String> seen = new ArrayList<>();
    String newest = acked.get(acked.size() - 1);
    while (seen.isEmpty() || !seen.get(seen.size() - 1).equals(newest)) {
      seen.add(reader.event("message").getString("id"));
    }
    assertThat(seen).containsExactlyElementsOf(acked.subList(3, acked.size()));
    assertThat(messageIds(reader.drain(room))).isEmpty();
  }

  /** The rooms a bad-input row may name: one that exists but is not joined, and one the client joined. */
  record Rooms(String other, String joined) {}

  static Stream<Arguments> badRequests() {
    return Stream.of(
        row("not JSON", "bad_json", false, (c, r) -> c.sendText("{nope")),
        row("a JSON array", "bad_request", false, (c, r) -> c.sendText("[]")),
        row("a binary frame", "bad_request", false, (c, r) -> c.sendBinary(Buffer.buffer("{\"type\":\"ping\"}"))),
        row("type missing", "bad_request", true, (c, r) -> c.send(new JsonObject().put("ref", "e"))),
        row("room of the wrong type", "bad_request", true,
            (c, r) -> c.send(frame("join").put("room", 42).put("ref", "e"))),
        row("unknown type", "unknown_type", true, (c, r) -> c.send(frame("shout").put("ref", "e"))),
        row("invalid room name on join", "invalid_room", true,
            (c, r) -> c.send(frame("join", "no spaces").put("ref", "e"))),
        row("invalid room name on create", "invalid_room", true,
            (c, r) -> c.send(frame("create", "x".repeat(65)).put("ref", "e"))),
        row("send before join", "not_joined", true,
            (c, r) -> c.send(frame("send", r.other()).put("text", "x").put("ref", "e"))),
        row("typing before join", "not_joined", true, (c, r) -> c.send(frame("typing", r.other()).put("ref", "e"))),
        row("leave before join", "not_joined", true, (c, r) -> c.send(frame("leave", r.other()).put("ref", "e"))),
        row("text over 4000 characters", "text_too_long", true,
            (c, r) -> c.send(frame("send", r.joined()).put("text", "y".repeat(4001)).put("ref", "e"))),
        row("empty text", "bad_request", true,
            (c, r) -> c.send(frame("send", r.joined()).put("text", "").put("ref", "e"))),
        row("key over 64 characters", "bad_request", true,
            (c, r) -> c.send(frame("send", r.joined()).put("text", "x").put("key", "k".repeat(65)).put("ref", "e"))),
        row("limit out of range", "bad_request", true,
            (c, r) -> c.send(frame("history", r.joined()).put("limit", 500).put("ref", "e"))));
  }

  private static Arguments row(String name, String code, boolean hasRef, BiConsumer<WsClient, Rooms> request) {
    return Arguments.of(name, code, hasRef, request);
  }

  /** Sends a bad request, checks the coded error, then that the connection still works and nothing changed. */
  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("badRequests")
  @DisplayName("bad input gets a coded error, changes nothing, and the connection stays open")
  void badInput(String name, String code, boolean hasRef, BiConsumer<WsClient, Rooms> request) {
    WsClient ann = client("ann");
    Rooms rooms = new Rooms(room(), room());
    ann.expect("ok", frame("create", rooms.other()));
    ann.join(rooms.joined());
    String kept = ann.say(rooms.joined(), "before");
    List<String> roomsBefore = strings(ann.expect("rooms", frame("rooms")).getJsonArray("rooms"));
    ann.drain();

    request.accept(ann, rooms);
    JsonObject error = ann.event("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    if (hasRef) {
      assertThat(error.getString("ref")).isEqualTo("e");
    }

    assertThat(ann.isClosed()).isFalse();
    ann.send(frame("ping").put("ref", "alive"));
    assertThat(ann.take(f -> "alive".equals(f.getString("ref"))).getString("type")).isEqualTo("pong");
    assertThat(strings(ann.expect("rooms", frame("rooms")).getJsonArray("rooms")))
        .as("no room appeared or vanished").containsAll(roomsBefore).doesNotContain("no spaces", "x".repeat(65));
    assertThat(idsOf(ann.expect("history", frame("history", rooms.joined())))).as("nothing stored").containsExactly(kept);
    assertThat(strings(ann.expect("members", frame("members", rooms.other())).getJsonArray("users")))
        .as("joined nothing").isEmpty();
  }
}
