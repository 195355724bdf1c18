package io.roomcast.bridge;

import io.roomcast.bus.Addresses;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.ChatConfig;
import io.roomcast.ops.Metrics;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.protocol.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
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
 * The single-node broker: rooms, bounded history, idempotency keys and presence held in this verticle's memory, and
 * fan-out to the gateways over the event bus. It honours the bridge contract of {@link Addresses#BRIDGE}, so the
 * gateway cannot tell it from the Redis bridge. Everything runs on this verticle's event loop: no locks.
 */
public final class MemoryBridgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryBridgeVerticle.class);

  private final ChatConfig config;
  private final Metrics metrics;
  private final Map<String, Room> rooms = new TreeMap<>();
  private final Map<String, Integer> connections = new HashMap<>();
  private final CreationQuota creations;
  private MessageConsumer<BridgeRequest> consumer;

  public MemoryBridgeVerticle(ChatConfig config, Metrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.creations = new CreationQuota(config.roomCreateQuota(), config.roomCreateWindowSeconds());
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.BRIDGE, this::handle);
    if (config.roomIdleExpirySeconds() > 0) {
      vertx.setPeriodic(RoomExpiry.sweepIntervalMs(config.roomIdleExpirySeconds()), t -> expireRooms());
    }
    return consumer.completion().onSuccess(v -> LOG.info("memory broker ready (single node, history {} per room)",
        config.historySize()));
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  private void handle(Message<BridgeRequest> msg) {
    try {
      BridgeRequest req = msg.body();
      if (req instanceof BridgeRequest.Publish p) {
        publish(msg, p);
      } else if (req instanceof BridgeRequest.Typing t) {
        typing(t);
      } else if (req instanceof BridgeRequest.Join j) {
        join(msg, j);
      } else if (req instanceof BridgeRequest.Leave l) {
        leave(msg, l);
      } else if (req instanceof BridgeRequest.Create c) {
        create(msg, c);
      } else if (req instanceof BridgeRequest.ListRooms) {
        msg.reply(new BridgeReply.RoomList(List.copyOf(rooms.keySet())));
      } else if (req instanceof BridgeRequest.History h) {
        Room room = rooms.get(h.room());
        msg.reply(new BridgeReply.Page(room == null ? List.of()
            : room.page(h.before(), h.limit(), cutoff(System.currentTimeMillis()))));
      } else if (req instanceof BridgeRequest.Members m) {
        Room room = rooms.get(m.room());
        msg.reply(new BridgeReply.UserList(room == null ? List.of() : List.copyOf(room.presence.keySet())));
      } else if (req instanceof BridgeRequest.Ping) {
        msg.reply(new BridgeReply.Status(true));
      } else if (req instanceof BridgeRequest.Connect c) {
        int held = connections.getOrDefault(c.user(), 0);
        if (held < c.max()) {
          connections.put(c.user(), held + 1);
        }
        msg.reply(new BridgeReply.Admitted(held < c.max()));
      } else if (req instanceof BridgeRequest.Disconnect d) {
        connections.computeIfPresent(d.user(), (u, n) -> n <= 1 ? null : n - 1);
      }
    } catch (RuntimeException e) {
      LOG.error("broker request {} failed", msg.body().getClass().getSimpleName(), e);
      msg.fail(ErrorCode.INTERNAL.number(), "internal error");
    }
  }

  private void create(Message<BridgeRequest> msg, BridgeRequest.Create c) {
    Room existing = rooms.get(c.room());
    if (existing != null) {
      existing.lastActivity = System.currentTimeMillis();
      msg.reply(new BridgeReply.Created(false));
    } else if (createRoom(msg, c.room(), c.quota()) != null) {
      msg.reply(new BridgeReply.Created(true));
    }
  }

  /** Creates and announces a room; on refusal (room limit, creation quota) fails {@code msg} and returns null. */
  private Room createRoom(Message<BridgeRequest> msg, String name, String quota) {
    if (rooms.size() >= config.maxRooms()) {
      msg.fail(ErrorCode.TOO_MANY_ROOMS.number(), "the server holds its maximum of " + config.maxRooms() + " rooms");
      return null;
    }
    long now = System.currentTimeMillis();
    if (!creations.take(quota, now)) {
      msg.fail(ErrorCode.RATE_LIMITED.number(), RoomExpiry.quotaMessage(config));
      return null;
    }
    Room room = new Room();
    room.lastActivity = now;
    rooms.put(name, room);
    metrics.rooms(rooms.size());
    metrics.localRooms(rooms.size());
    vertx.eventBus().publish(Addresses.ROOMS, RoomEvent.room(ServerFrames.roomCreated(name)));
    return room;
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
      vertx.eventBus().publish(Addresses.ROOMS, RoomEvent.room(ServerFrames.roomDeleted(name)));
    }
    if (!expired.isEmpty()) {
      metrics.rooms(rooms.size());
      metrics.localRooms(rooms.size());
      LOG.info("deleted {} rooms that stayed empty and silent for {} s", expired.size(), config.roomIdleExpirySeconds());
    }
    creations.forgetBefore(now);
  }

  private void join(Message<BridgeRequest> msg, BridgeRequest.Join j) {
    Room room = rooms.get(j.room());
    if (room == null && (room = createRoom(msg, j.room(), j.quota())) == null) {
      return;
    }
    room.lastActivity = System.currentTimeMillis();
    Set<String> sessions = room.presence.computeIfAbsent(j.user(), u -> new LinkedHashSet<>());
    if (sessions.add(j.session()) && sessions.size() == 1) {
      fanOut(j.room(), RoomEvent.presence(ServerFrames.presence(j.room(), true, j.user()), j.user()));
    }
    MessageId since = MessageId.parse(j.since());
    long now = System.currentTimeMillis();
    List<StoredMessage> missed = since == null ? null : room.after(since, cutoff(now));
    msg.reply(new BridgeReply.Joined(List.copyOf(room.presence.keySet()), missed != null,
        missed == null ? List.of() : missed));
  }

  private void leave(Message<BridgeRequest> msg, BridgeRequest.Leave l) {
    Room room = rooms.get(l.room());
    Set<String> sessions = room == null ? null : room.presence.get(l.user());
    if (sessions != null && sessions.remove(l.session()) && sessions.isEmpty()) {
      room.presence.remove(l.user());
      room.lastActivity = System.currentTimeMillis();
      fanOut(l.room(), RoomEvent.presence(ServerFrames.presence(l.room(), false, l.user()), l.user()));
    }
    msg.reply(new BridgeReply.Done());
  }

  private void publish(Message<BridgeRequest> msg, BridgeRequest.Publish p) {
    Room room = rooms.get(p.room());
    if (room == null) {
      msg.fail(ErrorCode.NOT_JOINED.number(), "no room named " + p.room());
      return;
    }
    long now = System.currentTimeMillis();
    room.expireKeys(now);
    // keys are scoped by user: another user's key never matches (user names contain no space)
    String key = p.key() == null ? null : p.user() + " " + p.key();
    if (key != null) {
      String earlier = room.idByKey.get(key);
      if (earlier != null) {
        msg.reply(new BridgeReply.Sent(earlier));
        return;
      }
    }
    room.lastActivity = now;
    StoredMessage stored = room.append(p.user(), p.text(), now, config.historySize(), cutoff(now));
    if (key != null) {
      room.idByKey.put(key, stored.id());
      room.keyExpiry.addLast(new KeyExpiry(key, now + config.idempotencyWindowSeconds() * 1000L));
    }
    fanOut(p.room(), RoomEvent.message(stored.id(), ServerFrames.message(p.room(), stored)));
    msg.reply(new BridgeReply.Sent(stored.id()));
  }

  private void typing(BridgeRequest.Typing t) {
    Room room = rooms.get(t.room());
    if (room != null && room.presence.containsKey(t.user())) {
      fanOut(t.room(), RoomEvent.typing(ServerFrames.typing(t.room(), t.user()), t.user()));
    }
  }

  private void fanOut(String room, RoomEvent event) {
    vertx.eventBus().publish(Addresses.room(room), event);
  }

  /** Messages stored before this time (epoch ms) are past the retention age. */
  private long cutoff(long now) {
    return now - config.historyMaxAgeSeconds() * 1000L;
  }

  private record KeyExpiry(String key, long expiresAt) {}

  private record Stored(MessageId id, StoredMessage message) {}

  private static final class Room {
    final ArrayDeque<Stored> history = new ArrayDeque<>();
    final Map<String, Set<String>> presence = new LinkedHashMap<>();
    final Map<String, String> idByKey = new HashMap<>();
    final ArrayDeque<KeyExpiry> keyExpiry = new ArrayDeque<>();
    MessageId last;
    /** When the room was created, last got a message, or a member joined or left (epoch ms). */
    long lastActivity;

    StoredMessage append(String user, String text, long now, int capacity, long cutoff) {
      last = MessageId.next(last, now);
      StoredMessage m = new StoredMessage(last.toString(), user, text, now);
      history.addLast(new Stored(last, m));
      while (history.size() > capacity || history.peekFirst().message().ts() < cutoff) {
        history.removeFirst();
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
      Iterator<Stored> newestFirst = history.descendingIterator();
      while (newestFirst.hasNext() && out.size() < limit) {
        Stored s = newestFirst.next();
        if (s.message().ts() < cutoff) {
          break;
        }
        if (before == null || s.id().compareTo(before) < 0) {
          out.add(s.message());
        }
      }
      Collections.reverse(out);
      return out;
    }

    /** The retained messages after {@code since}, oldest first; null when {@code since} is not retained. */
    List<StoredMessage> after(MessageId since, long cutoff) {
      List<StoredMessage> out = new ArrayList<>();
      boolean found = false;
      for (Stored s : history) {
        if (found) {
          out.add(s.message());
        } else if (s.id().equals(since)) {
          found = s.message().ts() >= cutoff;
          if (!found) {
            return null;
          }
        }
      }
      return found ? out : null;
    }
  }
}
