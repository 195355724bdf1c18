package io.roomcast.bus;

import io.netty.buffer.ByteBuf;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.TextFrame;
import io.vertx.core.buffer.Buffer;

/**
 * An event for the members of a room (or, on {@link Addresses#ROOMS}, for every client), already encoded as the
 * WebSocket text frame every recipient is sent ({@code wire}, see {@link TextFrame#shared}): built once per node,
 * shared by every gateway instance, and written to each socket as a duplicate of it. {@code exceptUser} names a user whose connections skip
 * it (the typist of a typing event, the subject of a presence event), or is null. {@code messageId} is the id of a
 * {@link Kind#MESSAGE}, parsed once per node (each session skips ids it already wrote), null for the other kinds.
 * Treat {@code wire} as read-only: write {@code wire.duplicate()}.
 */
public record RoomEvent(Kind kind, ByteBuf wire, String exceptUser, MessageId messageId) implements BusMessage {

  /**
   * What the event is. {@link #TYPING} is ephemeral and may be dropped for a slow client. {@link #RESYNC} carries no
   * frame: the node lost messages of the room it cannot replay, and the room's connections must reconnect and resume.
   */
  public enum Kind { MESSAGE, PRESENCE, TYPING, ROOM, RESYNC }

  /** A message event; null when {@code id} is not a message id. */
  public static RoomEvent message(String id, Buffer json) {
    MessageId parsed = MessageId.parse(id);
    return parsed == null ? null : message(parsed, json);
  }

  public static RoomEvent message(MessageId id, Buffer json) {
    return new RoomEvent(Kind.MESSAGE, TextFrame.shared(json), null, id);
  }

  public static RoomEvent presence(Buffer json, String user) {
    return new RoomEvent(Kind.PRESENCE, TextFrame.shared(json), user, null);
  }

  public static RoomEvent typing(Buffer json, String user) {
    return new RoomEvent(Kind.TYPING, TextFrame.shared(json), user, null);
  }

  /** A room was created or deleted ({@link io.roomcast.protocol.ServerFrames#roomCreated}, {@code roomDeleted}). */
  public static RoomEvent room(Buffer json) {
    return new RoomEvent(Kind.ROOM, TextFrame.shared(json), null, null);
  }

  public static RoomEvent resync() {
    return new RoomEvent(Kind.RESYNC, null, null, null);
  }
}
