package io.roomcast.bridge.redis;

import io.roomcast.bridge.RoomEvents;
import io.roomcast.bus.RoomEvent;
import io.roomcast.ops.Metrics;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.protocol.StoredMessage;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a node's room events to its gateways in id order and once, and fills gaps from the rooms' streams. For each
 * room with local members it remembers the newest message id it forwarded; after a gap (the subscription was lost, or
 * was just made for the room's first local member) it reads the room's stream from there and delivers what the gap
 * held, holding live messages back until then, and skipping ids it already forwarded (the overlap of a subscription
 * and a backfill). A room whose gap cannot be read (trimmed, or Redis lost its data) gets a resync: its connections
 * are closed with 1001 to resume.
 */
final class Backfill {
  private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

  private final RoomEvents events;
  private final Metrics metrics;
  /** Reads a room's stream. */
  private final Reader stream;
  /** Whether a room has local members now. */
  private final Predicate<String> local;
  /** room -> id of the newest message forwarded (rooms with local members); where a backfill starts. */
  private final Map<String, MessageId> lastForwarded = new HashMap<>();
  /**
   * room -> where a backfill starts while the room has forwarded nothing yet (pattern mode: the newest id stored when
   * the room got its first local member, read from there on, itself included). Kept apart from
   * {@link #lastForwarded}: that newest message may still be on its way through the subscription, and must then be
   * forwarded, not skipped as a duplicate.
   */
  private final Map<String, MessageId> floor = new HashMap<>();
  /** rooms being backfilled -> the live messages held back meanwhile. */
  private final Map<String, List<RoomEvent>> held = new HashMap<>();

  /** A room's stored messages from an id on. */
  @FunctionalInterface
  interface Reader {
    /**
     * The messages stored after {@code id} ({@code 0-0}: all retained), {@code id}'s own too if {@code inclusive};
     * null when the stream does not hold {@code id} (trimmed, or never stored there).
     */
    Future<List<StoredMessage>> read(String room, MessageId id, boolean inclusive);
  }

  Backfill(RoomEvents events, Metrics metrics, Reader stream, Predicate<String> local) {
    this.events = events;
    this.metrics = metrics;
    this.stream = stream;
    this.local = local;
  }

  /** From now on, live messages of {@code rooms} wait for a backfill ({@link #run}). */
  void hold(Collection<String> rooms) {
    for (String room : rooms) {
      held.putIfAbsent(room, new ArrayList<>());
    }
  }

  /** Stops holding {@code room}'s live messages without a backfill: what was held is forwarded. */
  void release(String room) {
    List<RoomEvent> waiting = held.remove(room);
    if (waiting != null) {
      waiting.forEach(e -> forward(room, e));
    }
  }

  /**
   * Backfills every held room; with {@code dataLost}, the stored ids mean nothing any more: all resync (the caller says
   * so in one line, not one per room). The number of rooms.
   */
  int run(boolean dataLost) {
    List<String> rooms = List.copyOf(held.keySet());
    for (String room : rooms) {
      room(room, dataLost);
    }
    return rooms.size();
  }

  /**
   * A room's first local member arrived: a backfill from {@code newest} (read before the subscription was made) will
   * deliver what came before the subscription confirmed; live messages wait for it.
   */
  void begin(String room, MessageId newest) {
    MessageId seen = lastForwarded.get(room);
    if (seen == null || newest.compareTo(seen) > 0) {
      lastForwarded.put(room, newest);
    }
    held.putIfAbsent(room, new ArrayList<>());
  }

  /** Starts forwarding {@code room} from {@code newest} without a backfill (pattern mode: it was heard all along). */
  void remember(String room, MessageId newest) {
    if (local.test(room) && !lastForwarded.containsKey(room)) {
      // a gap before anything was forwarded replays from the newest message on: it may not have been forwarded yet
      floor.put(room, newest);
    }
  }

  /** {@code room} has no local member any more. */
  void forget(String room) {
    lastForwarded.remove(room);
    floor.remove(room);
  }

  /** A message id from beyond Redis' clock arrived: the stream says whether the message is real. */
  void check(String room) {
    if ((lastForwarded.containsKey(room) || floor.containsKey(room)) && !held.containsKey(room)) {
      held.put(room, new ArrayList<>());
      room(room, false);
    }
  }

  void room(String room, boolean dataLost) {
    MessageId seen = lastForwarded.get(room);
    MessageId from = seen != null ? seen : floor.get(room);
    // after a data loss even a room this node saw nothing of resyncs: a message the lost store accepted may not have
    // reached this node's subscription before the loss (pub/sub is at most once), and nothing can replay it now
    Future<List<StoredMessage>> missed = from == null || dataLost
        ? Future.succeededFuture(null) : stream.read(room, from, seen == null);
    missed.onComplete(ar -> {
      List<RoomEvent> waiting = held.remove(room);
      if (ar.failed() || ar.result() == null) {
        if (!dataLost) {
          LOG.warn("room {}: messages after {} cannot be replayed; asking its connections to resume", room, from);
        }
        events.toRoom(room, RoomEvent.resync());
        lastForwarded.remove(room);
        floor.remove(room);
      } else {
        for (StoredMessage m : ar.result()) {
          forward(room, RoomEvent.message(m.id(), ServerFrames.message(room, m)));
        }
        metrics.backfilled(ar.result().size());
        if (!ar.result().isEmpty()) {
          LOG.debug("room {}: {} messages from a subscription gap delivered", room, ar.result().size());
        }
      }
      if (waiting != null) {
        waiting.forEach(e -> forward(room, e));
      }
    });
  }

  /** Hands a room event to the local gateways, in id order and once: messages already forwarded are skipped. */
  void forward(String room, RoomEvent event) {
    if (event.kind() == RoomEvent.Kind.MESSAGE) {
      List<RoomEvent> waiting = held.get(room);
      if (waiting != null) {
        waiting.add(event);
        return;
      }
      MessageId id = event.messageId();
      MessageId last = lastForwarded.get(room);
      if (last != null && id.compareTo(last) <= 0) {
        return;
      }
      if (local.test(room)) {
        lastForwarded.put(room, id);
      }
    }
    events.toRoom(room, event);
  }
}
