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
 * <p>A refusal fails the future with a {@link BrokerException} carrying the protocol's error code (and changes
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
   * Returns the room's members.
   */
  Future<List<String>> join(String room, String user, String session, String quota);

  /**
   * The messages stored after {@code since}, oldest first, for a resuming connection; null when {@code since} is not
   * held any more (trimmed, too old, unknown, or the store lost its data).
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
}
