package io.roomcast.gateway;

import io.roomcast.bus.RoomEvent;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.protocol.StoredMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's membership of one room, as the gateway's {@link RoomRegistry} holds it: the fan-out hands events to
 * {@link #deliver} without looking anything up. While the join is in flight the room's live events wait in a
 * backlog; the member's position ({@code last}) is the newest message id written or, before any, where its stream
 * started (the join's position), so a message that reaches the session twice (in a replay and live, or in a node's
 * backfill) or one stored before the join took effect is not written. Used from the session's event loop only.
 */
final class Member {
  final Session session;
  private final String room;
  private boolean joined;
  private List<RoomEvent> backlog = new ArrayList<>();
  private MessageId last;

  Member(Session session, String room) {
    this.session = session;
    this.room = room;
  }

  boolean joined() {
    return joined;
  }

  /** What this connection was last written in the room (null while joining): every message up to it went out. */
  MessageId position() {
    return joined ? last : null;
  }

  /**
   * Hands the member an event of its room: held back while the join is in flight, written otherwise (a message at or
   * before the member's position is not). Returns whether it was written now.
   */
  boolean deliver(RoomEvent event) {
    if (backlog != null) {
      backlog.add(event);
      return false;
    }
    if (event.kind() == RoomEvent.Kind.MESSAGE) {
      if (last != null && event.messageId().compareTo(last) <= 0) {
        return false;
      }
      last = event.messageId();
    }
    return session.write(event);
  }

  /**
   * The join took effect and its reply went out: the member's stream starts after {@code start}; the messages it
   * missed are written, then the live events held meanwhile that it has not seen.
   */
  void joined(MessageId start, List<StoredMessage> missed) {
    joined = true;
    last = start;
    for (StoredMessage m : missed) {
      session.writeFrame(ServerFrames.message(room, m));
      last = MessageId.parse(m.id());
    }
    List<RoomEvent> held = backlog;
    backlog = null;
    for (RoomEvent e : held) {
      deliver(e);
    }
  }
}
