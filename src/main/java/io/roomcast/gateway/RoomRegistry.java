package io.roomcast.gateway;

import io.roomcast.bus.Addresses;
import io.roomcast.bus.RoomEvent;
import io.roomcast.ops.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms that sessions of one gateway instance have joined (or are joining). The instance listens on a room's
 * bus address only while it has a session there, and hands each event to its local sessions; the event's bytes are
 * shared, never re-encoded. Used from the instance's event loop only.
 */
final class RoomRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(RoomRegistry.class);
  private final Vertx vertx;
  private final Metrics metrics;
  private final Map<String, LocalRoom> rooms = new HashMap<>();

  RoomRegistry(Vertx vertx, Metrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
  }

  /**
   * A session's membership {@code state} receives the room's events from now on. A local consumer is registered when
   * {@code localConsumer} returns, so every event the bridge publishes after handling a later request reaches it.
   */
  void attach(String room, Member state) {
    LocalRoom r = rooms.computeIfAbsent(room, this::listen);
    Member[] grown = java.util.Arrays.copyOf(r.members, r.members.length + 1);
    grown[r.members.length] = state;
    r.members = grown;
  }

  void detach(String room, Member state) {
    LocalRoom r = rooms.get(room);
    if (r == null) {
      return;
    }
    for (int i = 0; i < r.members.length; i++) {
      if (r.members[i] == state) {
        Member[] shrunk = new Member[r.members.length - 1];
        System.arraycopy(r.members, 0, shrunk, 0, i);
        System.arraycopy(r.members, i + 1, shrunk, i, shrunk.length - i);
        r.members = shrunk;
        break;
      }
    }
    if (r.members.length == 0) {
      rooms.remove(room);
      r.consumer.unregister();
    }
  }

  private LocalRoom listen(String room) {
    LocalRoom r = new LocalRoom();
    r.consumer = vertx.eventBus().<RoomEvent>localConsumer(Addresses.room(room), m -> fanOut(r, m.body()));
    return r;
  }

  private void fanOut(LocalRoom r, RoomEvent event) {
    int delivered = 0;
    String except = event.exceptUser();
    // the array is replaced, never changed, when members come and go: a delivery that closes a session is harmless
    for (Member member : r.members) {
      if (except == null || !except.equals(member.session.user())) {
        try {
          if (member.deliver(event)) {
            delivered++;
          }
        } catch (RuntimeException e) {
          // one failing socket must never cost the room's other members the event
          LOG.debug("session {}: event not written: {}", member.session.id(), e.toString());
        }
      }
    }
    if (event.kind() == RoomEvent.Kind.MESSAGE) {
      metrics.messagesOut(delivered);
      metrics.delivered(event.messageId().millis());
    }
  }

  private static final class LocalRoom {
    /** The members, copied on change (joins and leaves are rare next to events). */
    Member[] members = new Member[0];
    MessageConsumer<RoomEvent> consumer;
  }
}
