package io.roomcast.bridge.memory;

import io.roomcast.bridge.Broker;
import io.roomcast.bridge.RoomEvents;
import io.roomcast.webhooks.MemoryWebhookStore;
import io.roomcast.webhooks.WebhookStore;
import io.roomcast.bridge.RoomExpiry;

import io.roomcast.bus.Refusal;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.RoomSettings;
import io.roomcast.ops.Metrics;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.protocol.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node broker: rooms, bounded history, idempotency keys and presence held in memory. Used from the bridge
 * verticle's event loop only: no locks.
 */
public final class MemoryBroker implements Broker {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryBroker.class);

  private final Vertx vertx;
  private final RoomSettings config;
  private final Metrics metrics;
  private final RoomEvents events;
  private final Map<String, Room> rooms = new TreeMap<>();
  private final Map<String, Integer> connections = new HashMap<>();
  private final CreationQuota creations;
  private long expiryTimer = -1;
  /** The events waiting for delivery as webhooks; null when webhooks are off. */
  private final MemoryWebhookStore webhooks;

  public MemoryBroker(Vertx vertx, RoomSettings config, Metrics metrics, RoomEvents events) {
    this(vertx, config, metrics, events, null);
  }

  /** @param webhooks where the events delivered as webhooks are recorded, or null when they are off */
  public MemoryBroker(Vertx vertx, RoomSettings config, Metrics metrics, RoomEvents events,
      MemoryWebhookStore webhooks) {
    this.webhooks = webhooks;
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.events = events;
    this.creations = new CreationQuota(config.roomCreateQuota(), config.roomCreateWindowSeconds());
  }

  @Override
  public Future<Void> start() {
    if (config.roomIdleExpirySeconds() > 0) {
      expiryTimer = vertx.setPeriodic(RoomExpiry.sweepIntervalMs(config.roomIdleExpirySeconds()), t -> expireRooms());
    }
    LOG.info("memory broker ready (single node, history {} per room)", config.historySize());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(expiryTimer);
    return Future.succeededFuture();
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public WebhookStore webhooks() {
    return webhooks;
  }

  private void record(String type, String room, String message, String user, String text) {
    if (webhooks != null) {
      webhooks.record(type, room, message, user, text, null, null);
    }
  }

  @Override
  public Future<Boolean> create(String name, String quota) {
    Room existing = rooms.get(name);
    if (existing != null) {
      existing.lastActivity = System.currentTimeMillis();
      return Future.succeededFuture(false);
    }
    return createRoom(name, quota).map(room -> true);
  }

  /** Creates and announces a room, within the room limit and the creator's quota. */
  private Future<Room> createRoom(String name, String quota) {
    if (rooms.size() >= config.maxRooms()) {
      return Future.failedFuture(Refusal.tooManyRooms(config.maxRooms()).exception());
    }
    long now = System.currentTimeMillis();
    if (!creations.take(quota, now)) {
      return Future.failedFuture(
          Refusal.creationQuota(config.roomCreateQuota(), config.roomCreateWindowSeconds()).exception());
    }
    Room room = new Room();
    room.lastActivity = now;
    rooms.put(name, room);
    metrics.rooms(rooms.size());
    metrics.localRooms(rooms.size());
    events.toAll(RoomEvent.room(ServerFrames.roomCreated(name)));
    record("room.created", name, null, null, null);
    return Future.succeededFuture(room);
  }

  /** Deletes the rooms that had no member and no new message for {@code roomIdleExpirySeconds}. */
  private void expireRooms() {
    long now = System.currentTimeMillis();
    long cutoff = now - config.roomIdleExpirySeconds() * 1000L;
    List<String> expired = new ArrayList<>();
    rooms.forEach((name, room) -> {
      if (room.presence.isEmpty() && room.lastActivity <= cutoff) {
        expired.add(name);
      }
    });
    for (String name : expired) {
      rooms.remove(name);
      events.toAll(RoomEvent.room(ServerFrames.roomDeleted(name)));
      record("room.deleted", name, null, null, null);
    }
    if (!expired.isEmpty()) {
      metrics.rooms(rooms.size());
      metrics.localRooms(rooms.size());
      LOG.info("deleted {} rooms that stayed empty and silent for {} s", expired.size(), config.roomIdleExpirySeconds());
    }
    creations.forgetBefore(now);
  }

  @Override
  public Future<List<String>> rooms() {
    return Future.succeededFuture(List.copyOf(rooms.keySet()));
  }

  @Override
  public Future<Membership> join(String name, String user, String session, String quota) {
    Room existing = rooms.get(name);
    Future<Room> room = existing != null ? Future.succeededFuture(existing) : createRoom(name, quota);
    return room.map(r -> {
      r.lastActivity = System.currentTimeMillis();
      Set<String> sessions = r.presence.computeIfAbsent(user, u -> new LinkedHashSet<>());
      if (sessions.add(session) && sessions.size() == 1) {
        events.toRoom(name, RoomEvent.presence(ServerFrames.presence(name, true, user), user));
        record("member.joined", name, null, user, null);
      }
      // every event of the room goes out on this loop after this: the member gets all that follows its position
      return new Membership(List.copyOf(r.presence.keySet()), r.last != null ? r.last : Broker.emptyRoom(r.incarnation));
    });
  }

  @Override
  public Future<List<StoredMessage>> recover(String name, MessageId since) {
    Room room = rooms.get(name);
    return Future.succeededFuture(room == null ? null : room.after(since, cutoff(System.currentTimeMillis())));
  }

  @Override
  public Future<Void> leave(String name, String user, String session) {
    Room room = rooms.get(name);
    Set<String> sessions = room == null ? null : room.presence.get(user);
    if (sessions != null && sessions.remove(session) && sessions.isEmpty()) {
      room.presence.remove(user);
      room.lastActivity = System.currentTimeMillis();
      events.toRoom(name, RoomEvent.presence(ServerFrames.presence(name, false, user), user));
      record("member.left", name, null, user, null);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<String> publish(String name, String user, String text, String key) {
    Room room = rooms.get(name);
    if (room == null) {
      return Future.failedFuture(Refusal.noSuchRoom().exception());
    }
    long now = System.currentTimeMillis();
    room.expireKeys(now);
    // keys are scoped by user: another user's key never matches (user names contain no space)
    String scoped = key == null ? null : user + " " + key;
    if (scoped != null) {
      String earlier = room.idByKey.get(scoped);
      if (earlier != null) {
        return Future.succeededFuture(earlier);
      }
    }
    room.lastActivity = now;
    StoredMessage stored = room.append(user, text, now, config.historySize(), cutoff(now));
    if (scoped != null) {
      room.idByKey.put(scoped, stored.id());
      room.keyExpiry.addLast(new KeyExpiry(scoped, now + config.idempotencyWindowSeconds() * 1000L));
    }
    events.toRoom(name, RoomEvent.message(room.last, ServerFrames.message(name, stored)));
    record("message.created", name, stored.id(), user, text);
    return Future.succeededFuture(stored.id());
  }

  @Override
  public Future<List<StoredMessage>> history(String name, MessageId before, int limit) {
    Room room = rooms.get(name);
    return Future.succeededFuture(room == null ? List.of()
        : room.page(before, limit, cutoff(System.currentTimeMillis())));
  }

  @Override
  public Future<List<String>> members(String name) {
    Room room = rooms.get(name);
    return Future.succeededFuture(room == null ? List.of() : List.copyOf(room.presence.keySet()));
  }

  @Override
  public void typing(String name, String user) {
    Room room = rooms.get(name);
    if (room != null && room.presence.containsKey(user)) {
      events.toRoom(name, RoomEvent.typing(ServerFrames.typing(name, user), user));
    }
  }

  @Override
  public Future<Boolean> connect(String user, int max) {
    int held = connections.getOrDefault(user, 0);
    if (held < max) {
      connections.put(user, held + 1);
    }
    return Future.succeededFuture(held < max);
  }

  @Override
  public void disconnect(String user) {
    connections.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
  }

  /** Messages stored before this time (epoch ms) are past the retention age. */
  private long cutoff(long now) {
    return now - config.historyMaxAgeSeconds() * 1000L;
  }

  private record KeyExpiry(String key, long expiresAt) {}

  /**
   * A retained message, in as few objects as it can be: at the default history (1000 messages a room) a busy room's
   * messages stay for tens of seconds, so every young collection copies them while they are young (in a 256 MiB
   * heap at 25 k deliveries/s, about 6 MiB of survivors, most of a young pause). The id's string and the
   * {@link StoredMessage} are made only when history or a resume reads the entry; the sender's name is the string it
   * came with (a WebSocket session's messages share one).
   */
  private static final class Entry {
    final long millis;
    final long seq;
    final long ts;
    final String user;
    final String text;

    Entry(MessageId id, String user, String text, long ts) {
      this.millis = id.millis();
      this.seq = id.seq();
      this.user = user;
      this.text = text;
      this.ts = ts;
    }

    boolean before(MessageId id) {
      return millis < id.millis() || millis == id.millis() && seq < id.seq();
    }

    boolean is(MessageId id) {
      return millis == id.millis() && seq == id.seq();
    }

    StoredMessage message() {
      return new StoredMessage(new MessageId(millis, seq).toString(), user, text, ts);
    }
  }

  private static final class Room {
    /** Tells this room from an earlier one of the same name (see {@link Broker#emptyRoom}). */
    final long incarnation = Broker.newIncarnation();
    /** Messages ever dropped from the history (trimmed by size or age). */
    long dropped;
    final ArrayDeque<Entry> history = new ArrayDeque<>();
    final Map<String, Set<String>> presence = new LinkedHashMap<>();
    final Map<String, String> idByKey = new HashMap<>();
    final ArrayDeque<KeyExpiry> keyExpiry = new ArrayDeque<>();
    MessageId last;
    /** When the room was created, last got a message, or a member joined or left (epoch ms). */
    long lastActivity;

    StoredMessage append(String user, String text, long now, int capacity, long cutoff) {
      last = MessageId.next(last, now);
      StoredMessage m = new StoredMessage(last.toString(), user, text, now);
      history.addLast(new Entry(last, user, text, now));
      while (history.size() > capacity || history.peekFirst().ts < cutoff) {
        history.removeFirst();
        dropped++;
      }
      return m;
    }

    void expireKeys(long now) {
      while (!keyExpiry.isEmpty() && keyExpiry.peekFirst().expiresAt() <= now) {
        idByKey.remove(keyExpiry.removeFirst().key());
      }
    }

    /** Up to {@code limit} retained messages older than {@code before} (all when null), oldest first. */
    List<StoredMessage> page(MessageId before, int limit, long cutoff) {
      List<StoredMessage> out = new ArrayList<>(Math.min(limit, history.size()));
      Iterator<Entry> newestFirst = history.descendingIterator();
      while (newestFirst.hasNext() && out.size() < limit) {
        Entry e = newestFirst.next();
        if (e.ts < cutoff) {
          break;
        }
        if (before == null || e.before(before)) {
          out.add(e.message());
        }
      }
      Collections.reverse(out);
      return out;
    }

    /**
     * The messages after {@code since}, oldest first; null unless every one of them is retained: {@code since} itself
     * is held (or is this room's {@link Broker#emptyRoom} position and nothing was ever dropped), and none after it is
     * older than {@code cutoff}. {@code since} itself may be old: what follows it is what counts.
     */
    List<StoredMessage> after(MessageId since, long cutoff) {
      boolean found = since.millis() == 0 && since.seq() == incarnation && dropped == 0;
      List<StoredMessage> out = new ArrayList<>();
      for (Entry e : history) {
        if (found) {
          if (e.ts < cutoff) {
            return null;
          }
          out.add(e.message());
        } else {
          found = e.is(since);
        }
      }
      return found ? out : null;
    }
  }
}
