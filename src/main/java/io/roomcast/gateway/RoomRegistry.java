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

/**
 * The rooms that sessions of one gateway instance have joined. The instance listens on a room's bus address only
 * while it has a session there (or one joining), and fans each event out to its local sessions, writing the bus
 * event's bytes as they are. Used from the instance's event loop only.
 */
final class RoomRegistry {
  private final Vertx vertx;
  private final Metrics metrics;
  private final Map<String, LocalRoom> rooms = new HashMap<>();

  RoomRegistry(Vertx vertx, Metrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
  }

  /**
   * Starts listening for {@code room} if not yet. A local consumer is registered when {@code localConsumer} returns,
   * so events published after the bridge handles the following join request reach this instance.
   */
  void prepare(String room) {
    rooms.computeIfAbsent(room, this::listen).pending++;
  }

  /** A prepared join succeeded: the session receives the room's events from now on. */
  void attach(String room, Session session) {
    LocalRoom r = rooms.get(room);
    r.pending--;
    r.sessions.add(session);
  }

  /** A prepared join failed. */
  void abort(String room) {
    LocalRoom r = rooms.get(room);
    r.pending--;
    releaseIfUnused(room, r);
  }

  void detach(String room, Session session) {
    LocalRoom r = rooms.get(room);
    if (r != null && r.sessions.remove(session)) {
      releaseIfUnused(room, r);
    }
  }

  private void releaseIfUnused(String room, LocalRoom r) {
    if (r.sessions.isEmpty() && r.pending == 0) {
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
    int written = 0;
    String except = event.exceptUser();
    for (Session s : r.sessions) {
      if (except == null || !except.equals(s.user())) {
        s.deliver(TextFrames.of(event.frame()));
        written++;
      }
    }
    if (event.kind() == RoomEvent.Kind.MESSAGE) {
      metrics.messagesOut(written);
    }
  }

  private static final class LocalRoom {
    final Set<Session> sessions = new LinkedHashSet<>();
    MessageConsumer<RoomEvent> consumer;
    int pending;
  }
}
