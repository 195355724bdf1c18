package io.roomcast.bus;

import io.roomcast.protocol.MessageId;

/**
 * What a gateway asks of the bridge on {@link Addresses#BRIDGE}, typed by the reply it gets ({@code R}), so asking
 * needs no cast ({@link BridgeClient#ask}). The bridge handles them through a {@link Visitor}: a new request type does
 * not compile until the bridge answers it. The fire-and-forget ones ({@link Typing}, {@link Disconnect}) are never
 * answered; their {@code R} is {@link BridgeReply.Done} only to name one.
 *
 * @param <R> the reply
 */
public sealed interface BridgeRequest<R extends BridgeReply> extends BusMessage {

  /** Hands the request to the visitor's method for its type. */
  <V> V accept(Visitor<V> visitor);

  /** Whether the bridge takes the request while its broker is not ready (else it is refused {@code unavailable}). */
  default boolean whileUnavailable() {
    return false;
  }

  /** One method per request type. */
  interface Visitor<V> {
    V create(Create r);

    V listRooms(ListRooms r);

    V join(Join r);

    V leave(Leave r);

    V publish(Publish r);

    V history(History r);

    V members(Members r);

    V typing(Typing r);

    V ping(Ping r);

    V connect(Connect r);

    V disconnect(Disconnect r);

    V deadWebhooks(DeadWebhooks r);

    V replayWebhooks(ReplayWebhooks r);
  }

  /**
   * Reply {@link BridgeReply.Created}. A new room is announced on {@link Addresses#ROOMS}. A new room counts toward
   * the room-creation quota of {@code quota} (a user or a client address; null: not limited, a trusted backend).
   */
  record Create(String room, String quota) implements BridgeRequest<BridgeReply.Created> {
    public <V> V accept(Visitor<V> v) {
      return v.create(this);
    }
  }

  /** Reply {@link BridgeReply.RoomList}. */
  record ListRooms() implements BridgeRequest<BridgeReply.RoomList> {
    public <V> V accept(Visitor<V> v) {
      return v.listRooms(this);
    }
  }

  /**
   * Connection {@code session} of {@code user} joins (creating the room if needed). Reply {@link BridgeReply.Joined},
   * with the messages after {@code since} when it is given and still held. Members get a presence join when this is
   * the user's first connection in the room. A new room counts toward {@code quota} as for {@link Create}.
   */
  record Join(String room, String user, String session, String since, String quota)
      implements BridgeRequest<BridgeReply.Joined> {
    public <V> V accept(Visitor<V> v) {
      return v.join(this);
    }
  }

  /**
   * Reply {@link BridgeReply.Done}. Members get a presence leave when this was the user's last connection. Taken
   * while the broker is down too: the node forgets the session at once and tells the broker when it is back.
   */
  record Leave(String room, String user, String session) implements BridgeRequest<BridgeReply.Done> {
    public <V> V accept(Visitor<V> v) {
      return v.leave(this);
    }

    @Override
    public boolean whileUnavailable() {
      return true;
    }
  }

  /** Store and fan out a message. Reply {@link BridgeReply.Sent}. */
  record Publish(String room, String user, String text, String key) implements BridgeRequest<BridgeReply.Sent> {
    public <V> V accept(Visitor<V> v) {
      return v.publish(this);
    }
  }

  /** Reply {@link BridgeReply.Page}. */
  record History(String room, MessageId before, int limit) implements BridgeRequest<BridgeReply.Page> {
    public <V> V accept(Visitor<V> v) {
      return v.history(this);
    }
  }

  /** Reply {@link BridgeReply.UserList}. */
  record Members(String room) implements BridgeRequest<BridgeReply.UserList> {
    public <V> V accept(Visitor<V> v) {
      return v.members(this);
    }
  }

  /** Fire and forget: no reply. Members but the typist get a typing event. */
  record Typing(String room, String user) implements BridgeRequest<BridgeReply.Done> {
    public <V> V accept(Visitor<V> v) {
      return v.typing(this);
    }
  }

  /** Reply {@link BridgeReply.Status}. */
  record Ping() implements BridgeRequest<BridgeReply.Status> {
    public <V> V accept(Visitor<V> v) {
      return v.ping(this);
    }

    @Override
    public boolean whileUnavailable() {
      return true;
    }
  }

  /**
   * A connection of {@code user} wants to open: admitted unless the user already holds {@code max} connections
   * across all nodes. Reply {@link BridgeReply.Admitted}; an admitted connection sends {@link Disconnect} once.
   */
  record Connect(String user, int max) implements BridgeRequest<BridgeReply.Admitted> {
    public <V> V accept(Visitor<V> v) {
      return v.connect(this);
    }
  }

  /** An admitted connection closed. Fire and forget; taken while the broker is down too (counted when it is back). */
  record Disconnect(String user) implements BridgeRequest<BridgeReply.Done> {
    public <V> V accept(Visitor<V> v) {
      return v.disconnect(this);
    }

    @Override
    public boolean whileUnavailable() {
      return true;
    }
  }

  /** Up to {@code limit} dead webhook events, oldest first. Reply {@link BridgeReply.Events}. */
  record DeadWebhooks(int limit) implements BridgeRequest<BridgeReply.Events> {
    public <V> V accept(Visitor<V> v) {
      return v.deadWebhooks(this);
    }
  }

  /** Puts up to {@code limit} dead webhook events back in their rooms' queues. Reply {@link BridgeReply.Count}. */
  record ReplayWebhooks(int limit) implements BridgeRequest<BridgeReply.Count> {
    public <V> V accept(Visitor<V> v) {
      return v.replayWebhooks(this);
    }
  }
}
