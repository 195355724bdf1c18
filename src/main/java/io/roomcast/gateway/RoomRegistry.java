package io.roomcast.gateway;

import io.roomcast.bus.Addresses;
import io.roomcast.bus.RoomEvent;
import io.roomcast.ops.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
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
   * The session receives the room's events from now on. A local consumer is registered when {@code localConsumer}
   * returns, so every event the bridge publishes after handling a later request reaches the session.
   */
  void attach(String room, Session session) {
    rooms.computeIfAbsent(room, this::listen).sessions.add(session);
  }

  void detach(String room, Session session) {
    LocalRoom r = rooms.get(room);
    if (r != null && r.sessions.remove(session) && r.sessions.isEmpty()) {
      rooms.remove(room);
      r.consumer.unregister();
    }
  }

  private LocalRoom listen(String room) {
    LocalRoom r = new LocalRoom();
    r.consumer = vertx.eventBus().<RoomEvent>localConsumer(Addresses.room(room), m -> fanOut(room, r, m.body()));
    return r;
  }

  private void fanOut(String room, LocalRoom r, RoomEvent event) {
    int delivered = 0;
    String except = event.exceptUser();
    for (Session s : r.sessions) {
      if (except == null || !except.equals(s.user())) {
        try {
          if (s.deliver(room, event)) {
            delivered++;
          }
        } catch (RuntimeException e) {
          // one failing socket must never cost the room's other members the event
          LOG.debug("session {}: event not written: {}", s.id(), e.toString());
        }
      }
    }
    if (event.kind() == RoomEvent.Kind.MESSAGE) {
      metrics.messagesOut(delivered);
      metrics.delivered(event.messageId().millis());
    }
  }

  private static final class LocalRoom {
    final Set<Session> sessions = new LinkedHashSet<>();
    MessageConsumer<RoomEvent> consumer;
  }
}
