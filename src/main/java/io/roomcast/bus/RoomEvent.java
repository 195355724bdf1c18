package io.roomcast.bus;

import io.roomcast.protocol.MessageId;
import io.vertx.core.buffer.Buffer;

/**
 * An event for the members of a room (or, on {@link Addresses#ROOMS}, for every client), already encoded: the gateway
 * writes {@code frame} as it is to each recipient. {@code exceptUser} names a user whose connections skip it (the
 * typist of a typing event, the subject of a presence event), or is null. {@code messageId} is the id of a
 * {@link Kind#MESSAGE}, parsed once per node (each session skips ids it already wrote), null for the other kinds. Treat
 * {@code frame} as read-only: every consumer holds the same buffer.
 */
public record RoomEvent(Kind kind, Buffer frame, String exceptUser, MessageId messageId) implements BusMessage {

  /**
   * What the event is. {@link #TYPING} is ephemeral and may be dropped for a slow client. {@link #RESYNC} carries no
   * frame: the node lost messages of the room it cannot replay, and the room's connections must reconnect and resume.
   */
  public enum Kind { MESSAGE, PRESENCE, TYPING, ROOM, RESYNC }

  /** A message event; null when {@code id} is not a message id. */
  public static RoomEvent message(String id, Buffer frame) {
    MessageId parsed = MessageId.parse(id);
    return parsed == null ? null : new RoomEvent(Kind.MESSAGE, frame, null, parsed);
  }

  public static RoomEvent presence(Buffer frame, String user) {
    return new RoomEvent(Kind.PRESENCE, frame, user, null);
  }

  public static RoomEvent typing(Buffer frame, String user) {
    return new RoomEvent(Kind.TYPING, frame, user, null);
  }

  /** A room was created or deleted ({@link io.roomcast.protocol.ServerFrames#roomCreated}, {@code roomDeleted}). */
  public static RoomEvent room(Buffer frame) {
    return new RoomEvent(Kind.ROOM, frame, null, null);
  }

  public static RoomEvent resync() {
    return new RoomEvent(Kind.RESYNC, null, null, null);
  }
}
