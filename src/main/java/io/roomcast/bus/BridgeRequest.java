package io.roomcast.bus;

import io.roomcast.protocol.MessageId;

/** What a gateway asks of the bridge on {@link Addresses#BRIDGE}. Each record names the reply it gets. */
public sealed interface BridgeRequest extends BusMessage {

  /**
   * Reply {@link BridgeReply.Created}. A new room is announced on {@link Addresses#ROOMS}. A new room counts toward
   * the room-creation quota of {@code quota} (a user or a client address; null: not limited, a trusted backend).
   */
  record Create(String room, String quota) implements BridgeRequest {}

  /** Reply {@link BridgeReply.RoomList}. */
  record ListRooms() implements BridgeRequest {}

  /**
   * Connection {@code session} of {@code user} joins (creating the room if needed). Reply {@link BridgeReply.Joined},
   * with the messages after {@code since} when it is given and still held. Members get a presence join when this is
   * the user's first connection in the room. A new room counts toward {@code quota} as for {@link Create}.
   */
  record Join(String room, String user, String session, String since, String quota) implements BridgeRequest {}

  /** Reply {@link BridgeReply.Done}. Members get a presence leave when this was the user's last connection. */
  record Leave(String room, String user, String session) implements BridgeRequest {}

  /** Store and fan out a message. Reply {@link BridgeReply.Sent}. */
  record Publish(String room, String user, String text, String key) implements BridgeRequest {}

  /** Reply {@link BridgeReply.Page}. */
  record History(String room, MessageId before, int limit) implements BridgeRequest {}

  /** Reply {@link BridgeReply.UserList}. */
  record Members(String room) implements BridgeRequest {}

  /** Fire and forget: no reply. Members but the typist get a typing event. */
  record Typing(String room, String user) implements BridgeRequest {}

  /** Reply {@link BridgeReply.Status}. */
  record Ping() implements BridgeRequest {}

  /**
   * A connection of {@code user} wants to open: admitted unless the user already holds {@code max} connections
   * across all nodes. Reply {@link BridgeReply.Admitted}; an admitted connection sends {@link Disconnect} once.
   */
  record Connect(String user, int max) implements BridgeRequest {}

  /** An admitted connection closed. Fire and forget. */
  record Disconnect(String user) implements BridgeRequest {}
}
