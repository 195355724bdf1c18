package io.roomcast.it.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.StoredMessage;
import io.roomcast.support.Await;
import io.roomcast.support.BrokerNode;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The broker contract: what every {@link io.roomcast.bridge.Broker} promises the gateways, row by row, run against
 * each broker and Redis mode by a subclass ({@code MemoryBrokerIT}, {@code PatternBrokerIT}, {@code RoomsBrokerIT},
 * {@code ClusterBrokerIT}). Requests go over the event bus exactly as a gateway sends them; two nodes {@link #a} and
 * {@link #b} share the broker (the same node for the memory broker), and a room's events are recorded on a node once
 * a member joined there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrokerContract {
  /** Every broker under contract keeps this many messages per room. */
  static final int HISTORY = 5;
  /** The settings every broker under contract runs with. */
  static final Map<String, String> SETTINGS = Map.of("CHAT_HISTORY_SIZE", String.valueOf(HISTORY),
      "CHAT_MAX_ROOMS", "1000", "CHAT_ROOM_CREATE_QUOTA", "3", "CHAT_REDIS_UNSUBSCRIBE_GRACE_SECONDS", "0");
  private static final AtomicInteger ROOMS = new AtomicInteger();

  protected abstract BrokerNode a();

  /** A second node sharing the broker (the same as {@link #a} where a broker has one node). */
  protected abstract BrokerNode b();

  static String room() {
    return "contract-" + ROOMS.incrementAndGet();
  }

  static BridgeReply.Joined join(BrokerNode n, String room, String user, String session, String since) {
    n.listen(room);
    return n.ask(new BridgeRequest.Join(room, user, session, since, null));
  }

  static BridgeReply.Joined join(BrokerNode n, String room, String user, String session) {
    return join(n, room, user, session, null);
  }

  static String send(BrokerNode n, String room, String user, String text, String key) {
    return n.ask(new BridgeRequest.Publish(room, user, text, key)).id();
  }

  static String send(BrokerNode n, String room, String text) {
    return send(n, room, "ann", text, null);
  }

  static List<StoredMessage> history(BrokerNode n, String room) {
    return n.ask(new BridgeRequest.History(room, null, 100)).messages();
  }

  static List<String> ids(List<StoredMessage> messages) {
    return messages.stream().map(StoredMessage::id).toList();
  }

  static void awaitIds(BrokerNode n, String room, List<String> ids) {
    Await.until(n.nodeId() + " to deliver " + ids, Duration.ofSeconds(10), () -> n.messageIds(room).equals(ids));
  }

  @Test
  @DisplayName("[rooms] publish: the stored id is answered, ids grow, history and every node with members get the message once, in order")
  void publishAndFanOut() {
    String room = room();
    join(a(), room, "ann", "a1");
    join(b(), room, "bob", "b1");
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sent.add(send(i % 2 == 0 ? a() : b(), room, "m" + i));
    }
    assertThat(sent).isSortedAccordingTo((x, y) -> MessageId.parse(x).compareTo(MessageId.parse(y)));
    assertThat(ids(history(a(), room))).isEqualTo(sent);
    awaitIds(a(), room, sent);
    awaitIds(b(), room, sent);
    JsonObject first = a().events(room, "message").get(0);
    assertThat(first.getString("user")).isEqualTo("ann");
    assertThat(first.getString("text")).isEqualTo("m0");
    assertThat(first.getLong("ts")).isEqualTo(MessageId.parse(sent.get(0)).millis());
  }

  @Test
  @DisplayName("[rooms] resume from the newest id: recovered, nothing missed")
  void resumeFromNewest() {
    String room = room();
    join(a(), room, "ann", "a1");
    String last = send(a(), room, "only");
    BridgeReply.Joined j = join(b(), room, "bob", "b1", last);
    assertThat(j.recovered()).isTrue();
    assertThat(j.missed()).isEmpty();
  }

  @Test
  @DisplayName("[rooms] resume from an older id: recovered, with what came after it, oldest first")
  void resumeFromOlder() {
    String room = room();
    join(a(), room, "ann", "a1");
    String first = send(a(), room, "one");
    String second = send(a(), room, "two");
    String third = send(a(), room, "three");
    BridgeReply.Joined j = join(b(), room, "bob", "b1", first);
    assertThat(j.recovered()).isTrue();
    assertThat(ids(j.missed())).containsExactly(second, third);
    assertThat(j.missed().get(1).text()).isEqualTo("three");
  }

  @Test
  @DisplayName("[rooms] position: a join in a room that holds no message gives a position before every id; a resume from it "
      + "replays every message stored since, recovered, and keeps that position")
  void positionInAnEmptyRoom() {
    String room = room();
    MessageId last = join(a(), room, "ann", "a1").last();
    assertThat(last.millis()).as("a position before every id").isZero();
    assertThat(last.isZero()).as("0-0 is no position").isFalse();
    String one = send(a(), room, "one");
    String two = send(b(), room, "two");
    BridgeReply.Joined back = join(b(), room, "ann", "a2", last.toString());
    assertThat(back.recovered()).isTrue();
    assertThat(ids(back.missed())).containsExactly(one, two);
    assertThat(back.last()).as("a recovered resume starts at its since").isEqualTo(last);
  }

  @Test
  @DisplayName("[rooms] position: a join gives the newest stored id; a resume from it replays what came after; a join that "
      + "does not recover gives the room's position at that join")
  void positionIsTheNewestId() {
    String room = room();
    join(a(), room, "ann", "a1");
    String one = send(a(), room, "one");
    BridgeReply.Joined bob = join(b(), room, "bob", "b1");
    assertThat(bob.last()).isEqualTo(MessageId.parse(one));
    String two = send(a(), room, "two");
    BridgeReply.Joined back = join(b(), room, "bob", "b2", bob.last().toString());
    assertThat(back.recovered()).isTrue();
    assertThat(ids(back.missed())).containsExactly(two);
    BridgeReply.Joined unknown = join(a(), room, "cid", "c1", "1-0");
    assertThat(unknown.recovered()).isFalse();
    assertThat(unknown.last()).isEqualTo(MessageId.parse(two));
  }

  @Test
  @DisplayName("[rooms] position: an empty room's position is not recovered once a message after it was trimmed, nor in another "
      + "room; 0-0 never is")
  void positionNotHeld() {
    String room = room();
    MessageId last = join(a(), room, "ann", "a1").last();
    for (int i = 0; i < HISTORY + 1; i++) {
      send(a(), room, "m" + i);
    }
    assertThat(join(b(), room, "bob", "b1", last.toString()).recovered()).as("the first message was trimmed").isFalse();
    String other = room();
    MessageId otherLast = join(a(), other, "ann", "a2").last();
    String third = room();
    assertThat(join(b(), third, "bob", "b2", otherLast.toString()).recovered()).as("another room's position").isFalse();
    assertThat(join(b(), third, "bob", "b3", "0-0").recovered()).isFalse();
    assertThat(join(b(), other, "bob", "b4", otherLast.toString()).recovered()).as("its own room's").isTrue();
  }

  @Test
  @DisplayName("[rooms] resume from a trimmed id (more than historySize messages since): not recovered")
  void resumeFromTrimmed() {
    String room = room();
    join(a(), room, "ann", "a1");
    String first = send(a(), room, "first");
    for (int i = 0; i < HISTORY + 2; i++) {
      send(a(), room, "more " + i);
    }
    BridgeReply.Joined j = join(b(), room, "bob", "b1", first);
    assertThat(j.recovered()).isFalse();
    assertThat(j.missed()).isEmpty();
  }

  @Test
  @DisplayName("[rooms] resume from an id older than historyMaxAgeSeconds: not recovered")
  void resumeTooOld() {
    String room = room();
    join(a(), room, "ann", "a1");
    send(a(), room, "now");
    String old = new MessageId(System.currentTimeMillis() - 3L * 24 * 3600 * 1000, 0).toString();
    assertThat(join(b(), room, "bob", "b1", old).recovered()).isFalse();
  }

  @Test
  @DisplayName("[rooms] resume from an id the room never stored: not recovered")
  void resumeUnknown() {
    String room = room();
    join(a(), room, "ann", "a1");
    String id = send(a(), room, "x");
    MessageId stored = MessageId.parse(id);
    String never = new MessageId(stored.millis(), stored.seq() + 7).toString();
    assertThat(join(b(), room, "bob", "b1", never).recovered()).isFalse();
    String otherRoom = room();
    assertThat(join(b(), otherRoom, "bob", "b2", id).recovered()).as("another room's id").isFalse();
  }

  @Test
  @DisplayName("[rooms] idempotent publish: a user's repeated key answers the first id and stores once; another user's same key is a new message")
  void idempotentPublish() {
    String room = room();
    join(a(), room, "ann", "a1");
    join(b(), room, "bob", "b1");
    String first = send(a(), room, "ann", "hello", "k1");
    assertThat(send(b(), room, "ann", "hello again", "k1")).isEqualTo(first);
    String bobs = send(b(), room, "bob", "hi", "k1");
    assertThat(bobs).isNotEqualTo(first);
    assertThat(ids(history(a(), room))).containsExactly(first, bobs);
    awaitIds(a(), room, List.of(first, bobs));
  }

  @Test
  @DisplayName("[rooms] publish to a room that does not exist: not_joined, nothing stored, nothing created")
  void publishToUnknownRoom() {
    String room = room();
    assertThat(a().refusal(new BridgeRequest.Publish(room, "ann", "lost", null))).isEqualTo(ErrorCode.NOT_JOINED);
    assertThat(history(a(), room)).isEmpty();
    assertThat(a().ask(new BridgeRequest.ListRooms()).rooms()).doesNotContain(room);
  }

  @Test
  @DisplayName("[presence] presence: a user's first connection announces the join, a second one nothing; only the last to leave announces the leave")
  void presenceFirstAndLast() {
    String room = room();
    join(a(), room, "watcher", "w1");
    join(b(), room, "watcher2", "w2");
    BridgeReply.Joined first = join(a(), room, "cat", "c1");
    assertThat(first.members()).contains("cat", "watcher", "watcher2");
    join(b(), room, "cat", "c2");
    join(a(), room, "cat", "c3");
    a().ask(new BridgeRequest.Leave(room, "cat", "c1"));
    b().ask(new BridgeRequest.Leave(room, "cat", "c2"));
    assertThat(members(a(), room)).contains("cat");
    a().ask(new BridgeRequest.Leave(room, "cat", "c3"));
    Await.until("cat's leave", Duration.ofSeconds(10), () -> presence(a(), room, "cat").contains("leave"));
    Await.until("cat's leave on the other node", Duration.ofSeconds(10),
        () -> presence(b(), room, "cat").contains("leave"));
    // what was announced comes in order: after the leave, a barrier message shows nothing else is on its way
    String barrier = send(a(), room, "barrier");
    Await.until("the barrier", Duration.ofSeconds(10), () -> b().messageIds(room).contains(barrier));
    assertThat(presence(a(), room, "cat")).containsExactly("join", "leave");
    assertThat(presence(b(), room, "cat")).containsExactly("join", "leave");
    assertThat(members(b(), room)).containsExactlyInAnyOrder("watcher", "watcher2");
  }

  private static List<String> presence(BrokerNode n, String room, String user) {
    return n.events(room, "presence").stream().filter(e -> user.equals(e.getString("user")))
        .map(e -> e.getString("event")).toList();
  }

  static List<String> members(BrokerNode n, String room) {
    return n.ask(new BridgeRequest.Members(room)).users();
  }

  @Test
  @DisplayName("[rooms] retention: history keeps the newest historySize messages, oldest first, and pages backwards")
  void retention() {
    String room = room();
    join(a(), room, "ann", "a1");
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < HISTORY + 3; i++) {
      sent.add(send(a(), room, "r" + i));
    }
    List<String> kept = sent.subList(sent.size() - HISTORY, sent.size());
    assertThat(ids(history(b(), room))).isEqualTo(kept);
    List<StoredMessage> older = b().ask(new BridgeRequest.History(room,
        MessageId.parse(kept.get(2)), 100)).messages();
    assertThat(ids(older)).isEqualTo(kept.subList(0, 2));
    assertThat(b().ask(new BridgeRequest.History(room, null, 2)).messages())
        .extracting(StoredMessage::id).isEqualTo(kept.subList(HISTORY - 2, HISTORY));
  }

  @Test
  @DisplayName("[presence] members: every node's users, once each; a room that does not exist has none")
  void membersEverywhere() {
    String room = room();
    join(a(), room, "ann", "a1");
    join(b(), room, "bob", "b1");
    join(b(), room, "ann", "a2");
    assertThat(members(a(), room)).containsExactlyInAnyOrder("ann", "bob");
    assertThat(members(b(), room())).isEmpty();
  }

  @Test
  @DisplayName("[rooms] create: new once, then not; the room is listed (sorted) and announced on every node")
  void create() {
    String room = room();
    assertThat(a().ask(new BridgeRequest.Create(room, null)).created()).isTrue();
    assertThat(b().ask(new BridgeRequest.Create(room, null)).created()).isFalse();
    List<String> rooms = b().ask(new BridgeRequest.ListRooms()).rooms();
    assertThat(rooms).contains(room).isSorted();
    for (BrokerNode n : List.of(a(), b())) {
      Await.until(n.nodeId() + " to announce " + room, Duration.ofSeconds(10), () -> n.roomList().stream()
          .anyMatch(e -> room.equals(e.getString("room")) && "created".equals(e.getString("event"))));
    }
    assertThat(a().roomList().stream().filter(e -> room.equals(e.getString("room"))).count()).isEqualTo(1);
    send(a(), room, "a created room takes messages");
  }

  @Test
  @DisplayName("[rooms] creation quota: a subject's rooms beyond roomCreateQuota are refused rate_limited and not created")
  void creationQuota() {
    String subject = "ip:192.0.2." + ROOMS.incrementAndGet();
    for (int i = 0; i < 3; i++) {
      a().ask(new BridgeRequest.Create(room(), subject));
    }
    String refused = room();
    assertThat(b().refusal(new BridgeRequest.Join(refused, "ann", "s", null, subject))).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(a().ask(new BridgeRequest.ListRooms()).rooms()).doesNotContain(refused);
    assertThat(a().refusal(new BridgeRequest.Publish(refused, "ann", "x", null))).isEqualTo(ErrorCode.NOT_JOINED);
  }

  @Test
  @DisplayName("[admission] connections: a user is admitted up to the limit across nodes; a disconnect frees a slot")
  void connectionLimit() {
    String user = "conn" + ROOMS.incrementAndGet();
    assertThat(a().ask(new BridgeRequest.Connect(user, 2)).admitted()).isTrue();
    assertThat(b().ask(new BridgeRequest.Connect(user, 2)).admitted()).isTrue();
    assertThat(a().ask(new BridgeRequest.Connect(user, 2)).admitted()).isFalse();
    b().tell(new BridgeRequest.Disconnect(user));
    Await.until("a freed slot", Duration.ofSeconds(10),
        () -> a().ask(new BridgeRequest.Connect(user, 2)).admitted());
  }

  @Test
  @DisplayName("[rooms] typing reaches the room's nodes, marked so the typist's own connections skip it")
  void typing() {
    String room = room();
    join(a(), room, "ann", "a1");
    join(b(), room, "bob", "b1");
    a().tell(new BridgeRequest.Typing(room, "ann"));
    Await.until("typing on the other node", Duration.ofSeconds(10), () -> !b().events(room, "typing").isEmpty());
    assertThat(b().events(room, "typing").get(0).getString("user")).isEqualTo("ann");
  }

  @Test
  @DisplayName("[bridge] something that is not a bridge request is refused with bad_request at once, not left to time out")
  void unknownRequestIsAnswered() {
    assertThatThrownBy(() -> a().askRaw(new io.vertx.core.json.JsonObject().put("type", "teleport")))
        .isInstanceOfSatisfying(BrokerNode.Refused.class,
            r -> assertThat(r.code()).isEqualTo(io.roomcast.protocol.ErrorCode.BAD_REQUEST));
  }
}
