package io.roomcast.bridge;

import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.StoredMessage;
import io.vertx.core.Future;
import java.util.List;

/**
 * A broker's rooms and their messages: creating and listing rooms, joining and leaving them (with the member's
 * position), storing, fanning out and reading messages, and the resume from a position. Part of {@link Broker}.
 */
public interface Rooms {
  /** Creates a room; true when it is new (it is then announced everywhere). */
  Future<Boolean> create(String room, String quota);

  /** The names of all rooms, sorted. */
  Future<List<String>> rooms();

  /**
   * Connection {@code session} of {@code user} joins {@code room}, creating it if needed (within the room limit and
   * {@code quota}'s creation quota); the room's other users hear of it if this is the user's first connection there.
   * Returns the room's members and the position the member's stream starts after ({@link Broker.Membership#last}).
   */
  Future<Broker.Membership> join(String room, String user, String session, String quota);

  /**
   * The messages stored after {@code since}, oldest first, for a resuming connection; null when the broker no longer
   * holds every message after it (trimmed, older than the retention age, unknown, another incarnation of the room, or
   * the store lost its data). {@code since} is a message id or a position a join gave ({@link Broker.Membership#last}).
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

  /** Tells the room's other users that {@code user} is typing; fire and forget. */
  void typing(String room, String user);
}
