package io.roomcast.bridge.redis;

import io.roomcast.bus.RoomEvent;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.Names;
import io.roomcast.protocol.ServerFrames;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * The one codec of a room's pub/sub payloads: a kind letter ({@code m} message, {@code p} presence, {@code t} typing),
 * then the message id ({@code m}) or the user whose own connections skip the event ({@code p}, {@code t}), a newline,
 * then the event's JSON exactly as clients receive it. Every payload is framed here; for a message, whose id only
 * {@code publish.lua} learns, this frames the parts around the id ({@link #messageParts}) and the script only joins
 * them.
 *
 * <p>Decoding trusts nothing: whoever can PUBLISH to Redis can send anything, so a payload becomes an event only if
 * it is exactly what a node would have published for that room: the right shape, a well-formed id or user, and a JSON
 * frame that begins with the event's own type, room, and id or user. Anything else is dropped (and counted).
 */
final class PubSubPayload {
  private PubSubPayload() {}

  /**
   * A message's payload as four parts {@code a, b, c, d}: the payload is {@code a + id + b + id + c + ms + d}, where
   * {@code id} is the message id and {@code ms} its milliseconds (the message's {@code ts}).
   */
  static List<String> messageParts(String room, String user, String text) {
    ServerFrames.MessageTemplate frame = ServerFrames.messageTemplate(room, user, text);
    return List.of("m", "\n" + frame.head(), frame.middle(), "}");
  }

  /** The payload {@link #messageParts} make for {@code id}: what publish.lua publishes. */
  static Buffer message(String room, String user, String text, MessageId id) {
    List<String> p = messageParts(room, user, text);
    return Buffer.buffer(p.get(0) + id + p.get(1) + id + p.get(2) + id.millis() + p.get(3));
  }

  static Buffer presence(String room, boolean join, String user) {
    return Buffer.buffer("p" + user + "\n").appendBuffer(ServerFrames.presence(room, join, user));
  }

  static Buffer typing(String room, String user) {
    return Buffer.buffer("t" + user + "\n").appendBuffer(ServerFrames.typing(room, user));
  }

  /**
   * The event a payload on {@code room}'s channels carries, or null when it is not one a node publishes. {@code room}
   * is a valid room name (ASCII, nothing JSON would escape): the frame's start is compared in place, piece by piece,
   * with nothing built per message.
   */
  static RoomEvent decode(String room, Buffer payload) {
    int newline = indexOf(payload, (byte) '\n');
    if (newline < 2 || payload.length() < newline + 3 || payload.getByte(payload.length() - 1) != '}') {
      return null;
    }
    String field = payload.getString(1, newline, "UTF-8");
    Buffer frame = payload.slice(newline + 1, payload.length());
    switch (payload.getByte(0)) {
      case 'm' -> {
        MessageId id = MessageId.parse(field);
        int at = expect(frame, expect(frame, 0, MESSAGE_HEAD), room);
        if (id == null || expect(frame, expect(frame, expect(frame, at, ID_HEAD), field), ID_END) < 0) {
          return null;
        }
        return RoomEvent.message(id, frame);
      }
      case 'p' -> {
        if (!Names.isValidSubject(field) || expect(frame, expect(frame, 0, PRESENCE_HEAD), room, EVENT_HEAD) < 0) {
          return null;
        }
        return RoomEvent.presence(frame, field);
      }
      case 't' -> {
        if (!Names.isValidSubject(field) || expect(frame, expect(frame, 0, TYPING_HEAD), room, USER_HEAD) < 0) {
          return null;
        }
        return RoomEvent.typing(frame, field);
      }
      default -> {
        return null;
      }
    }
  }

  private static final String MESSAGE_HEAD = "{\"type\":\"message\",\"room\":\"";
  private static final String PRESENCE_HEAD = "{\"type\":\"presence\",\"room\":\"";
  private static final String TYPING_HEAD = "{\"type\":\"typing\",\"room\":\"";
  private static final String ID_HEAD = "\",\"id\":\"";
  private static final String ID_END = "\",";
  private static final String EVENT_HEAD = "\",\"event\":\"";
  private static final String USER_HEAD = "\",\"user\":";

  /** {@link #expect(Buffer, int, String)} for {@code room} and then {@code next}. */
  private static int expect(Buffer frame, int at, String room, String next) {
    return expect(frame, expect(frame, at, room), next);
  }

  /**
   * Where {@code frame} goes on after {@code ascii} when it holds exactly that at {@code at}; -1 when it does not (or
   * {@code at} is already -1).
   */
  private static int expect(Buffer frame, int at, String ascii) {
    if (at < 0 || frame.length() < at + ascii.length()) {
      return -1;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (frame.getByte(at + i) != (byte) ascii.charAt(i)) {
        return -1;
      }
    }
    return at + ascii.length();
  }

  private static int indexOf(Buffer b, byte value) {
    for (int i = 0, n = Math.min(b.length(), 160); i < n; i++) {
      if (b.getByte(i) == value) {
        return i;
      }
    }
    return -1;
  }
}
