package io.roomcast.bridge;

import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.StoredMessage;
import io.vertx.core.Future;
import java.util.List;

/**
 * The port every broker implements: where rooms, history, idempotency keys and presence live, and how a room's events
 * reach the members on every node. {@link MemoryBroker} keeps everything in one node's memory;
 * {@link io.roomcast.bridge.redis.RedisBroker} shares it through Redis. The {@link BridgeVerticle} drives a broker
 * from the event bus, on its own event loop: a broker is used from that loop only.
 *
 * <p>A refusal fails the future with a {@link Refused} carrying the protocol's error code (and changes
 * nothing); a broker that cannot reach its store fails with {@code unavailable}. Events for the local gateways go to
 * the {@link RoomEvents} the broker was given.
 */
public interface Broker {

  /** Connects; the broker may become {@link #ready} later (a Redis that is down at start-up). */
  Future<Void> start();

  /** Releases this node's share (presence, connection counts) and disconnects. */
  Future<Void> stop();

  /** Whether requests can be served now. */
  boolean ready();

  /** Creates a room; true when it is new (it is then announced everywhere). */
  Future<Boolean> create(String room, String quota);

  /** The names of all rooms, sorted. */
  Future<List<String>> rooms();

  /**
   * Connection {@code session} of {@code user} joins {@code room}, creating it if needed (within the room limit and
   * {@code quota}'s creation quota); the room's other users hear of it if this is the user's first connection there.
   * Returns the room's members and the position the member's stream starts after ({@link Membership#last}).
   */
  Future<Membership> join(String room, String user, String session, String quota);

  /**
   * The messages stored after {@code since}, oldest first, for a resuming connection; null when the broker no longer
   * holds every message after it (trimmed, older than the retention age, unknown, another incarnation of the room, or
   * the store lost its data). {@code since} is a message id or a position a join gave ({@link Membership#last}).
   */
  Future<List<StoredMessage>> recover(String room, MessageId since);

  /** Connection {@code session} of {@code user} leaves {@code room}. Never refused. */
  Future<Void> leave(String room, String user, String session);

  /**
   * Stores a message and fans it out; returns its id. A {@code key} the same user used in the room within the
   * idempotency window stores nothing and returns the first message's id.
   */
  Future<String> publish(String room, String user, String text, String key);

  /** Up to {@code limit} retained messages older than {@code before} (the newest when null), oldest first. */
  Future<List<StoredMessage>> history(String room, MessageId before, int limit);

  /** The users in {@code room} on every node; empty for a room that does not exist. */
  Future<List<String>> members(String room);

  /** Tells the room's other users that {@code user} is typing; fire and forget. */
  void typing(String room, String user);

  /** Counts a connection of {@code user} across all nodes, unless the user holds {@code max} already. */
  Future<Boolean> connect(String user, int max);

  /** An admitted connection of {@code user} closed; never refused. */
  void disconnect(String user);

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
