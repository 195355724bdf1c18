package io.roomcast.bridge;

import io.roomcast.protocol.MessageId;
import io.vertx.core.Future;
import java.util.List;

/**
 * The port every broker implements: where rooms, history, idempotency keys and presence live, and how a room's events
 * reach the members on every node. {@link io.roomcast.bridge.memory.MemoryBroker} keeps everything in one node's
 * memory; {@link io.roomcast.bridge.redis.RedisBroker} shares it through Redis. The {@link BridgeVerticle} drives a
 * broker from the event bus, on its own event loop: a broker is used from that loop only.
 *
 * <p>Its roles are split as Centrifuge splits its broker and presence manager: {@link Rooms} (rooms and messages),
 * {@link Presence} and {@link Admission}; this interface adds the lifecycle.
 *
 * <p>A refusal fails the future with a {@link Refused} carrying the protocol's error code (and changes
 * nothing); a broker that cannot reach its store fails with {@code unavailable}. Events for the local gateways go to
 * the {@link RoomEvents} the broker was given.
 */
public interface Broker extends Rooms, Presence, Admission {

  /** Connects; the broker may become {@link #ready} later (a Redis that is down at start-up). */
  Future<Void> start();

  /** Releases this node's share (presence, connection counts) and disconnects. */
  Future<Void> stop();

  /** Whether requests can be served now. */
  boolean ready();

  /** Where the events delivered as webhooks wait, recorded by this broker; null when webhooks are off. */
  default io.roomcast.webhooks.WebhookStore webhooks() {
    return null;
  }

  /**
   * A joined room as the joining member finds it: its {@code members}, and {@code last}, where the member's stream
   * starts: the id of the newest message stored when the join took effect (every later one reaches the member), or,
   * for a room that holds none, {@link #emptyRoom} of the room's incarnation. Either one, given back to
   * {@link #recover}, replays what came after it.
   */
  record Membership(List<String> members, MessageId last) {}

  /**
   * The position of a room that holds no message yet: {@code 0-<incarnation>}, below every message id. The
   * incarnation tells this room from an earlier one of the same name (deleted for being idle, or lost with a store's
   * data), whose messages a resume from it must not claim to replay; it is never 0, so {@code 0-0} is no position.
   */
  static MessageId emptyRoom(long incarnation) {
    return new MessageId(0, incarnation);
  }

  /**
   * A new room's incarnation: random, never 0, and below 2^53, so that a client that reads ids as two numbers
   * (JavaScript's included) reads it exactly.
   */
  static long newIncarnation() {
    return java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 1L << 53);
  }
}
