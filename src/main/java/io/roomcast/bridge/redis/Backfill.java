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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>What arrives on pub/sub is not believed blindly: anyone who can PUBLISH can send a well-formed message, and a
 * forwarded id is where every session of the room stands, so one ahead of the stream would make them skip the real
 * messages stored after it. Pub/sub delivers a room's messages in id order, so a live message older than one
 * forwarded live before it means that one of the two is not what Redis stored (or that delivery order broke, as
 * across a failover to a replica that lacks the newest messages). The room's live messages then wait while the stream
 * says which: an older message it does not hold is dropped; anything else resyncs the room, whose connections resume
 * and, from an id the stream does not hold, are told {@code recovered: false}. So no stored message is skipped
 * silently, whatever pub/sub carried.
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
  /** Rooms whose {@link #lastForwarded} the stream vouches for (read from it, or confirmed), not only pub/sub. */
  private final Set<String> confirmed = new HashSet<>();
  /**
   * room -> where a backfill starts while the room has forwarded nothing yet (pattern mode: the newest id stored when
   * the room got its first local member, read from there on, itself included). Kept apart from
   * {@link #lastForwarded}: that newest message may still be on its way through the subscription, and must then be
   * forwarded, not skipped as a duplicate.
   */
  private final Map<String, MessageId> floor = new HashMap<>();
  /** rooms being backfilled -> the live messages held back meanwhile. */
  private final Map<String, List<RoomEvent>> held = new HashMap<>();
  /**
   * The subscription was lost and the sync after it ({@link #afterSync}) has not come yet: whatever finishes meanwhile
   * (a room's first-member backfill, a check against the stream) keeps its room held, for only the sync knows whether
   * Redis lost its data, and a connection that is going to be told so must not be handed messages after the gap first.
   */
  private boolean resubscribing;
  /** Live messages to be found in the stream before they are forwarded ({@link #forwardDoubtful}). */
  private final Set<RoomEvent> doubtful = Collections.newSetFromMap(new IdentityHashMap<>());

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

  /** From now on, live messages of {@code rooms} wait for a backfill ({@link #afterSync}). */
  void holdLive(Collection<String> rooms) {
    for (String room : rooms) {
      held.putIfAbsent(room, new ArrayList<>());
    }
  }

  /** The subscription was lost: {@code rooms} (those with local members) are held until {@link #afterSync}. */
  void subscriptionLost(Collection<String> rooms) {
    resubscribing = true;
    holdLive(rooms);
  }

  /** Stops holding {@code room}'s live messages without a backfill: what was held is forwarded (after a sync). */
  void stopHolding(String room) {
    List<RoomEvent> waiting = unhold(room);
    if (waiting != null) {
      waiting.forEach(e -> forward(room, e));
    }
  }

  /** Ends {@code room}'s hold, returning what waited; null, and the hold stays, while a sync is pending. */
  private List<RoomEvent> unhold(String room) {
    return resubscribing ? null : held.remove(room);
  }

  /**
   * The sync after a (re)subscription: backfills every held room; with {@code dataLost}, the stored ids mean nothing
   * any more: all resync (the caller says so in one line, not one per room). The number of rooms.
   */
  int afterSync(boolean dataLost) {
    resubscribing = false;
    List<String> rooms = List.copyOf(held.keySet());
    for (String room : rooms) {
      backfillRoom(room, dataLost);
    }
    return rooms.size();
  }

  /**
   * A room's first local member arrived: a backfill from {@code newest} (read before the subscription was made) will
   * deliver what came before the subscription confirmed; live messages wait for it.
   */
  void startFrom(String room, MessageId newest) {
    MessageId seen = lastForwarded.get(room);
    if (seen == null || newest.compareTo(seen) > 0) {
      lastForwarded.put(room, newest);
      confirmed.add(room);
    }
    held.putIfAbsent(room, new ArrayList<>());
  }

  /** Starts forwarding {@code room} from {@code newest} without a backfill (pattern mode: it was heard all along). */
  void heardFrom(String room, MessageId newest) {
    if (local.test(room) && !lastForwarded.containsKey(room)) {
      // a gap before anything was forwarded replays from the newest message on: it may not have been forwarded yet
      floor.put(room, newest);
    }
  }

  /** {@code room} has no local member any more. */
  void roomLeft(String room) {
    lastForwarded.remove(room);
    confirmed.remove(room);
    floor.remove(room);
  }

  /**
   * A message whose id is later than Redis' clock arrived, which no message Redis stored can be: it is forwarded, in
   * its turn, only if the stream holds it.
   */
  void forwardDoubtful(String room, RoomEvent event) {
    doubtful.add(event);
    forward(room, event);
  }

  void backfillRoom(String room, boolean dataLost) {
    MessageId seen = lastForwarded.get(room);
    MessageId from = seen != null ? seen : floor.get(room);
    // after a data loss even a room this node saw nothing of resyncs: a message the lost store accepted may not have
    // reached this node's subscription before the loss (pub/sub is at most once), and nothing can replay it now
    Future<List<StoredMessage>> missed = from == null || dataLost
        ? Future.succeededFuture(null) : stream.read(room, from, seen == null);
    missed.onComplete(ar -> {
      if (resubscribing) {
        return;   // lost again meanwhile: the next sync reads the room anew
      }
      List<RoomEvent> waiting = held.remove(room);
      if (ar.failed() || ar.result() == null) {
        if (!dataLost) {
          LOG.warn("room {}: messages after {} cannot be replayed; asking its connections to resume", room, from);
        }
        resync(room);
      } else {
        for (StoredMessage m : ar.result()) {
          forward(room, RoomEvent.message(m.id(), ServerFrames.message(room, m)), true);
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

  /** The room's connections must resume: it forgets where it stood. */
  private void resync(String room) {
    events.toRoom(room, RoomEvent.resync());
    lastForwarded.remove(room);
    confirmed.remove(room);
    floor.remove(room);
  }

  /**
   * Hands a room event that arrived on pub/sub to the local gateways, in id order and once: messages already
   * forwarded are skipped; one older than a message forwarded live has the stream asked first (see the class).
   */
  void forward(String room, RoomEvent event) {
    forward(room, event, false);
  }

  private void forward(String room, RoomEvent event, boolean fromStream) {
    if (event.kind() == RoomEvent.Kind.MESSAGE) {
      List<RoomEvent> waiting = held.get(room);
      if (waiting != null) {
        waiting.add(event);
        return;
      }
      if (!doubtful.isEmpty() && doubtful.remove(event)) {
        forwardIfStored(room, event);
        return;
      }
      MessageId id = event.messageId();
      MessageId last = lastForwarded.get(room);
      if (last != null && id.compareTo(last) <= 0) {
        if (!fromStream && id.compareTo(last) < 0 && !confirmed.contains(room)) {
          inquire(room, event, last);
        }
        return;
      }
      if (local.test(room)) {
        lastForwarded.put(room, id);
        if (fromStream) {
          confirmed.add(room);
        } else if (!confirmed.isEmpty()) {
          confirmed.remove(room);
        }
      }
    }
    events.toRoom(room, event);
  }

  /**
   * Reads the stream from {@code event}'s id on, the room's live events waiting meanwhile: what the stream holds from
   * there is forwarded (the message itself first, when it is real), else the message is dropped as forged.
   */
  private void forwardIfStored(String room, RoomEvent event) {
    held.put(room, new ArrayList<>());
    stream.read(room, event.messageId(), true).onComplete(ar -> {
      if (resubscribing) {
        return;   // the sync's backfill delivers the message if the stream holds it
      }
      List<RoomEvent> waiting = held.remove(room);
      if (ar.succeeded() && ar.result() != null) {
        for (StoredMessage m : ar.result()) {
          forward(room, RoomEvent.message(m.id(), ServerFrames.message(room, m)), true);
        }
      } else {
        metrics.pubsubMalformed();
        LOG.info("room {}: dropped message {}, later than Redis' clock and not in the stream", room, event.messageId());
      }
      if (waiting != null) {
        waiting.forEach(e -> forward(room, e));
      }
    });
  }

  /**
   * {@code older} arrived live after {@code newer}, also live: the room's live events wait while the stream says which
   * of the two it holds. Only an {@code older} it does not hold beside a {@code newer} it holds lets the room go on
   * ({@code older} dropped); otherwise the room resyncs. What waited is forwarded afterwards, in order.
   */
  private void inquire(String room, RoomEvent older, MessageId newer) {
    held.put(room, new ArrayList<>());
    MessageId olderId = older.messageId();
    stream.read(room, olderId, true)
        .compose(fromOlder -> fromOlder != null ? Future.succeededFuture(false)
            : stream.read(room, newer, true).map(fromNewer -> fromNewer != null))
        .onComplete(ar -> {
          if (resubscribing) {
            return;   // the sync's backfill starts at the newer id, and resyncs if the stream does not hold it
          }
          List<RoomEvent> waiting = held.remove(room);
          if (ar.succeeded() && ar.result()) {
            metrics.pubsubMalformed();
            LOG.info("room {}: dropped {}, which came through pub/sub out of order and is not in the stream", room,
                olderId);
            confirmed.add(room);
          } else {
            LOG.warn("room {}: {} came through pub/sub after {}, which the stream {}; asking its connections to resume",
                room, olderId, newer, ar.succeeded() ? "does not hold" : "could not confirm");
            resync(room);
          }
          if (waiting != null) {
            waiting.forEach(e -> forward(room, e));
          }
        });
  }
}
