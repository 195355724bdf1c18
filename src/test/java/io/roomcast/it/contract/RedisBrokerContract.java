package io.roomcast.it.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.protocol.MessageId;
import io.roomcast.support.Await;
import io.roomcast.support.BrokerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rows of the broker contract that only a shared store has: a node's subscription is cut while others keep
 * sending (the gap is filled from the streams, in order, once), and the store loses its data (said, not hidden).
 */
abstract class RedisBrokerContract extends BrokerContract {
  private BrokerNode a;
  private BrokerNode b;

  /** {@code pattern}, {@code rooms} or {@code cluster}. */
  protected abstract String mode();

  /** Starts the store the two nodes share; returns their {@code REDIS_URL}. */
  protected abstract String startStore();

  protected abstract void stopStore();

  @BeforeAll
  void start() {
    Map<String, String> env = new HashMap<>(SETTINGS);
    env.put("REDIS_URL", startStore());
    env.put("CHAT_REDIS_MODE", mode());
    env.put("CHAT_REDIS_RECONNECT_MIN_MS", "50");
    env.put("CHAT_REDIS_RECONNECT_MAX_MS", "500");
    a = BrokerNode.start(env);
    b = BrokerNode.start(env);
    a.awaitReady();
    b.awaitReady();
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    stopStore();
  }

  @Override
  protected BrokerNode a() {
    return a;
  }

  @Override
  protected BrokerNode b() {
    return b;
  }

  /** Cuts every pub/sub connection of the nodes (Redis' {@code CLIENT KILL TYPE pubsub}). */
  protected abstract void killSubscribers();

  /** Makes the store lose what it holds: Redis restarted without persistence. */
  protected abstract void loseData();

  /** Publishes {@code payload} on {@code room}'s message channel as anyone with access to Redis could. */
  protected abstract void publishOnRoom(String room, String payload);

  /** Redis' clock (of the master serving {@code room}), in epoch ms. */
  protected abstract long redisTimeMs(String room);

  /** A well-formed message payload, as a node would publish it, for an id no one stored. */
  private static String forgedMessage(String room, String id) {
    long ms = MessageId.parse(id).millis();
    return "m" + id + "\n{\"type\":\"message\",\"room\":\"" + room + "\",\"id\":\"" + id
        + "\",\"user\":\"mallory\",\"text\":\"forged\",\"ts\":" + ms + "}";
  }

  /**
   * The reported attack: a forged message whose id is a little ahead of Redis' clock (within the old 2 s margin),
   * four times between real messages. Each node must deliver every acknowledged message, or resync the room (its
   * connections resume and are told {@code recovered: false}); never skip one silently. {@code aheadMs} well past the
   * clock margin is never delivered at all; one under it is delivered and then found out by the real messages after
   * it, whose ids are older.
   */
  @ParameterizedTest(name = "forged ids {0} ms ahead")
  @ValueSource(longs = {1500, 100})
  @DisplayName("forged messages with ids just ahead of Redis' clock: every node delivers every acknowledged message or "
      + "resyncs the room, never skipping one silently")
  void forgedIdsJustAhead(long aheadMs) {
    String room = room();
    join(a(), room, "ann", "a1");
    join(b(), room, "bob", "b1");
    List<String> acked = new ArrayList<>();
    acked.add(send(a(), room, "before"));
    awaitIds(a(), room, acked);
    awaitIds(b(), room, acked);
    List<String> forged = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      String id = (redisTimeMs(room) + aheadMs) + "-" + round;
      forged.add(id);
      publishOnRoom(room, forgedMessage(room, id));
      for (int i = 0; i < 5; i++) {
        acked.add(send(i % 2 == 0 ? a() : b(), room, "real " + round + "." + i));
      }
    }
    String barrier = send(a(), room, "barrier");
    acked.add(barrier);
    for (BrokerNode n : List.of(a(), b())) {
      Await.until(n.nodeId() + " to deliver the barrier or resync", Duration.ofSeconds(10),
          () -> n.messageIds(room).contains(barrier) || !n.events(room, "resync").isEmpty());
      List<String> delivered = n.messageIds(room);
      if (n.events(room, "resync").isEmpty()) {
        assertThat(delivered).as("%s delivered every acknowledged message", n.nodeId()).containsAll(acked);
      } else {
        assertThat(forged).as("%s resynced because it had delivered a forged message", n.nodeId())
            .containsAnyElementsOf(delivered);
      }
      if (aheadMs > 1000) {
        assertThat(n.events(room, "resync")).as("well past the clock margin: checked before delivery").isEmpty();
        assertThat(delivered).as("%s delivered no forged message", n.nodeId()).doesNotContainAnyElementsOf(forged);
      }
    }
  }

  /**
   * Cuts the nodes' subscriptions, sends {@code count} messages from A meanwhile (the ids of those answered go to
   * {@code sent}), and waits until both nodes are ready again.
   */
  private void sendThroughAGap(String room, int count, List<String> sent) {
    killSubscribers();
    // a request answered now was stored; one refused (the node noticed the loss first) changed nothing
    for (int i = 0; i < count; i++) {
      try {
        sent.add(send(a(), room, "during " + i));
      } catch (BrokerNode.Refused refused) {
        assertThat(refused.code().wire()).isEqualTo("unavailable");
      }
    }
    a().awaitReady();
    b().awaitReady();
  }

  @Test
  @DisplayName("a subscription gap: what was sent while a node was not subscribed arrives after it is back, in order, once")
  void subscriptionGap() {
    String room = room();
    join(a(), room, "ann", "a1");
    join(b(), room, "bob", "b1");
    List<String> sent = new ArrayList<>();
    sent.add(send(a(), room, "before"));
    awaitIds(b(), room, sent);
    sendThroughAGap(room, 5, sent);
    sent.add(send(b(), room, "after"));
    awaitIds(a(), room, sent);
    awaitIds(b(), room, sent);
  }

  @Test
  @DisplayName("a subscription gap in a room a node joined after its last message and heard nothing of since: the gap's "
      + "messages arrive, and its members are not asked to resume")
  void gapInAQuietRoomWithHistory() {
    String room = room();
    join(a(), room, "ann", "a1");
    String old = send(a(), room, "before bob");
    awaitIds(a(), room, List.of(old));
    join(b(), room, "bob", "b1");
    List<String> sent = new ArrayList<>();
    sendThroughAGap(room, 3, sent);
    sent.add(send(a(), room, "after"));
    // the message newest when bob's node got the room may come too: it could have been on its way then
    Await.until("bob's node to deliver " + sent, Duration.ofSeconds(10),
        () -> b().messageIds(room).stream().filter(id -> !id.equals(old)).toList().equals(sent));
    assertThat(b().events(room, "resync")).isEmpty();
  }

  @Test
  @DisplayName("the store lost its data: every room with members resyncs (even one a node heard nothing of), a resuming "
      + "join answers recovered false, and presence comes back")
  void dataLost() {
    String room = room();
    join(a(), room, "ann", "a1");
    join(b(), room, "bob", "b1");
    String id = send(a(), room, "before the loss");
    awaitIds(b(), room, List.of(id));
    // a room whose messages never reached a node (pub/sub is at most once: one stored just before the loss may not
    // have) looks to that node like a room where nothing was said; only a resync tells its members
    String quiet = room();
    MessageId quietPosition = join(a(), quiet, "cid", "a3").last();
    join(b(), quiet, "dan", "b3");
    loseData();
    Await.until("both nodes to resync both rooms", Duration.ofSeconds(30),
        () -> List.of(room, quiet).stream().allMatch(r -> !a().events(r, "resync").isEmpty()
            && !b().events(r, "resync").isEmpty()));
    a().awaitReady();
    b().awaitReady();
    Await.until("the nodes to restore their presence", Duration.ofSeconds(10),
        () -> members(a(), room).containsAll(List.of("ann", "bob")));
    assertThat(join(b(), room, "bob", "b2", id).recovered()).isFalse();
    assertThat(join(b(), quiet, "dan", "b4", quietPosition.toString()).recovered())
        .as("the position of a room that held nothing names the room as it was before the loss").isFalse();
    String after = send(b(), room, "after the loss");
    assertThat(ids(history(a(), room))).containsExactly(after);
  }
}
