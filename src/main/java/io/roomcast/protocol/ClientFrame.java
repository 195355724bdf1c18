package io.roomcast.protocol;

/** A request from a client, already validated by {@link FrameParser}. {@code ref} is null when the client sent none. */
public sealed interface ClientFrame {
  String ref();

  /** A request about one room. */
  sealed interface RoomFrame extends ClientFrame {
    String room();
  }

  record Create(String ref, String room) implements RoomFrame {}

  record Rooms(String ref) implements ClientFrame {}

  /** {@code since} is the last id the client saw, or null. */
  record Join(String ref, String room, String since) implements RoomFrame {}

  record Leave(String ref, String room) implements RoomFrame {}

  /** {@code key} is the idempotency key, or null. */
  record Send(String ref, String room, String text, String key) implements RoomFrame {}

  /** {@code before} is null for the newest messages. */
  record History(String ref, String room, MessageId before, int limit) implements RoomFrame {}

  record Members(String ref, String room) implements RoomFrame {}

  record Typing(String ref, String room) implements RoomFrame {}

  record Ping(String ref) implements ClientFrame {}
}
