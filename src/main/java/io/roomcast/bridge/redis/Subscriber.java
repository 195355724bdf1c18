package io.roomcast.bridge.redis;

import io.roomcast.bus.Refusal;
import io.roomcast.config.NodeSettings;
import io.roomcast.config.RedisMode;
import io.roomcast.config.RedisSettings;
import io.roomcast.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's pub/sub connection to Redis, which carries only subscriptions. The Vert.x client never re-establishes
 * one, so this does: on loss it reports to its {@link PubSubListener}, reconnects with jittered exponential backoff, and
 * subscribes again. What it subscribes depends on the {@link RedisMode}:
 * <ul>
 *   <li>{@code pattern}: {@code PSUBSCRIBE {p}:room:*}, so every room's events reach this node;
 *   <li>{@code rooms}: {@code SUBSCRIBE} to the two channels of each room the node {@link #subscribe}s (the rooms it
 *       has members in), until it {@link #release}s the room and a grace period passed;
 *   <li>{@code cluster}: the same per room with {@code SSUBSCRIBE} (sharded pub/sub: the connection holds a socket
 *       per master, and each room's channels live on the master of the room's slot).
 * </ul>
 * Every mode also subscribes to the new-room and deleted-room channels. A room's subscription is confirmed when Redis
 * confirms its last channel; after a reconnect the rooms are subscribed again in batches, each awaited, and only then
 * is the subscriber ready. Redis dropping a room subscription by itself (a slot migrated away from its master) or an
 * error frame makes a fresh connection (the old one's routing is stale).
 */
final class Subscriber {
  private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);
  /** Rooms per batch when subscribing again after a reconnect. */
  static final int BATCH = 100;

  /** The connection's life: one state, not a set of flags. */
  enum State {
    /** No connection; a connect attempt is scheduled (or none, before start). */
    DISCONNECTED,
    /** Connecting. */
    CONNECTING,
    /** Connected; the subscriptions are being made and confirmed. */
    SUBSCRIBING,
    /** Every subscription this node wants is confirmed: events flow. */
    READY,
    /** Stopped for good. */
    STOPPED
  }

  /** A room this node wants to hear. */
  private static final class Room {
    Promise<Void> confirmed = Promise.promise();
    long graceTimer = -1;
  }

  private final Vertx vertx;
  private final RedisMode mode;
  private final RedisKeys keys;
  /** The client to connect with: a fresh one after a cluster outage. */
  private final Supplier<Redis> client;
  private final Backoff backoff;
  private final PubSubListener listener;
  private final Metrics metrics;
  private final long graceMs;
  private final long timeoutMs;
  private final String name;
  private final Map<String, Room> rooms = new HashMap<>();
  /** Channels this node unsubscribed from whose confirmation has not come yet. */
  private final Set<String> leaving = new HashSet<>();

  private State state = State.DISCONNECTED;
  private RedisConnection conn;
  private int attempt;
  private boolean everReady;
  private int baseConfirmations;
  private int subscriptions;
  private long retryTimer = -1;
  /** Counts connect attempts: the answer of an abandoned attempt is ignored. */
  private int attemptId;

  /**
   * @param redis the mode, the unsubscribe grace and the reconnect pauses
   * @param node the node's name (the connection's client name) and the bridge timeout (bounds a subscription's wait)
   */
  Subscriber(Vertx vertx, RedisSettings redis, NodeSettings node, RedisKeys keys, Supplier<Redis> client,
      Backoff backoff, PubSubListener listener, Metrics metrics) {
    this.vertx = vertx;
    this.mode = redis.mode();
    this.keys = keys;
    this.client = client;
    this.backoff = backoff;
    this.listener = listener;
    this.metrics = metrics;
    this.graceMs = redis.unsubscribeGraceSeconds() * 1000L;
    this.timeoutMs = node.bridgeTimeoutMs();
    this.name = node.nodeId();
  }

  State state() {
    return state;
  }

  boolean ready() {
    return state == State.READY;
  }

  void start() {
    connect();
  }

  Future<Void> stop() {
    state = State.STOPPED;
    vertx.cancelTimer(retryTimer);
    for (Room r : rooms.values()) {
      vertx.cancelTimer(r.graceTimer);
    }
    RedisConnection c = conn;
    conn = null;
    return c == null ? Future.succeededFuture() : c.close().otherwiseEmpty();
  }

  /** The rooms this node subscribes to (per-room modes; empty in pattern mode). */
  Set<String> rooms() {
    return rooms.keySet();
  }

  /**
   * Makes sure this node hears {@code room} (its first local member is joining): completes once Redis confirmed the
   * subscription (at once in pattern mode, where every room is heard). A room in its grace period keeps its
   * subscription.
   */
  Future<Void> subscribe(String room) {
    if (!mode.perRoom()) {
      return ready() ? Future.succeededFuture() : Future.failedFuture(Refusal.unavailable().exception());
    }
    Room r = rooms.get(room);
    if (r != null) {
      vertx.cancelTimer(r.graceTimer);
      r.graceTimer = -1;
      return r.confirmed.future();
    }
    r = new Room();
    rooms.put(room, r);
    if (state == State.SUBSCRIBING || state == State.READY) {
      send(List.of(room), true);
    }
    return r.confirmed.future();
  }

  /**
   * {@code room} lost its last local member: its subscription ends after the grace period, unless a member comes back
   * meanwhile.
   */
  void release(String room) {
    Room r = rooms.get(room);
    if (r == null) {
      return;
    }
    vertx.cancelTimer(r.graceTimer);
    if (graceMs == 0) {
      unsubscribe(room, r);
    } else {
      r.graceTimer = vertx.setTimer(graceMs, t -> {
        r.graceTimer = -1;
        unsubscribe(room, r);
      });
    }
  }

  private void unsubscribe(String room, Room r) {
    if (rooms.get(room) != r) {
      return;
    }
    rooms.remove(room);
    boolean wasConfirmed = r.confirmed.future().succeeded();
    r.confirmed.tryComplete();   // a batch waiting for it goes on
    if (conn != null && (state == State.SUBSCRIBING || state == State.READY)) {
      leaving.add(keys.messageChannel(room));
      leaving.add(keys.joinChannel(room));
      send(List.of(room), false);
      if (wasConfirmed) {
        count(-2);
      }
    }
  }

  /** Drops the connection and makes a fresh one (after an outage, or when Redis moved a room's slot). */
  void reconnect(String reason) {
    if (conn != null) {
      lost(conn, reason);
    }
  }

  /** Connects now (with the client the supplier gives now), abandoning an attempt on its way or scheduled. */
  void connectNow(String reason) {
    if (state == State.STOPPED) {
      return;
    }
    if (conn != null) {
      reconnect(reason);
      return;
    }
    vertx.cancelTimer(retryTimer);
    connect();
  }

  // ---- connection ----

  private void connect() {
    if (state == State.STOPPED) {
      return;
    }
    state = State.CONNECTING;
    int id = ++attemptId;
    Future<RedisConnection> connecting = client.get().connect();
    connecting.timeout(timeoutMs, TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (id != attemptId) {
        connecting.onSuccess(RedisConnection::close);   // abandoned for a newer attempt
        return;
      }
      if (ar.failed()) {
        connecting.onSuccess(RedisConnection::close);   // one that connects after the timeout is not used
        retry(ar.cause().toString());
        return;
      }
      RedisConnection c = ar.result();
      if (state == State.STOPPED) {
        c.close();
        return;
      }
      conn = c;
      state = State.SUBSCRIBING;
      baseConfirmations = 0;
      c.handler(r -> onPush(c, r));
      c.endHandler(v -> lost(c, "connection closed"));
      c.exceptionHandler(e -> lost(c, e.toString()));
      Future<?> named = mode == RedisMode.CLUSTER ? Future.succeededFuture()
          // named before it subscribes, so operators find it in CLIENT LIST
          : c.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg("roomcast-sub-" + name));
      named.onFailure(e -> lost(c, e.toString())).onSuccess(v -> {
        if (mode == RedisMode.PATTERN) {
          c.send(Request.cmd(Command.PSUBSCRIBE).arg(keys.roomPattern())).onFailure(e -> lost(c, e.toString()));
        }
        c.send(Request.cmd(Command.SUBSCRIBE).arg(keys.newRoomChannel()).arg(keys.deletedRoomChannel()))
            .onFailure(e -> lost(c, e.toString()));
      });
    });
  }

  private void retry(String reason) {
    if (state == State.STOPPED) {
      return;
    }
    state = State.DISCONNECTED;
    long delay = backoff.delayMs(attempt);
    attempt++;
    if (attempt == 1 || attempt % 10 == 0) {
      LOG.warn("Redis subscriber not connected ({}); retry {} in {} ms", reason, attempt, delay);
    }
    retryTimer = vertx.setTimer(delay, t -> connect());
  }

  private void lost(RedisConnection c, String reason) {
    if (c != conn) {
      return;
    }
    conn = null;
    c.close();
    leaving.clear();
    subscriptions = 0;
    metrics.pubsubSubscriptions(0);
    for (Room r : rooms.values()) {
      if (r.confirmed.future().isComplete()) {
        r.confirmed = Promise.promise();
      }
    }
    LOG.warn("Redis subscriber lost ({}): not ready until subscribed again", reason);
    listener.onLost(reason);
    retry(reason);
  }

  private void onPush(RedisConnection c, Response r) {
    if (c != conn) {
      return;
    }
    if (r.type() == ResponseType.ERROR) {
      reconnect("error frame " + r);
      return;
    }
    if ((r.type() != ResponseType.PUSH && r.type() != ResponseType.MULTI) || r.size() < 3) {
      return;
    }
    String kind = r.get(0).toString();
    switch (kind) {
      case "pmessage" -> listener.onRoomEvent(r.get(2).toString(), r.get(3).toBuffer());
      case "smessage" -> listener.onRoomEvent(r.get(1).toString(), r.get(2).toBuffer());
      case "message" -> {
        String channel = r.get(1).toString();
        if (channel.equals(keys.newRoomChannel()) || channel.equals(keys.deletedRoomChannel())) {
          listener.onRoomListChange(channel, r.get(2).toString());
        } else {
          listener.onRoomEvent(channel, r.get(2).toBuffer());
        }
      }
      case "psubscribe" -> baseConfirmed();
      case "subscribe", "ssubscribe" -> {
        String channel = r.get(1).toString();
        if (channel.equals(keys.newRoomChannel()) || channel.equals(keys.deletedRoomChannel())) {
          baseConfirmed();
        } else {
          roomConfirmed(channel);
        }
      }
      case "unsubscribe", "sunsubscribe" -> {
        String channel = r.get(1).toString();
        String room = keys.roomOf(channel);
        if (!leaving.remove(channel) && room != null && rooms.containsKey(room)) {
          reconnect("Redis ended the subscription of room " + room + " (its slot moved)");
        }
      }
      default -> LOG.debug("ignored pub/sub frame {}", kind);
    }
  }

  private void baseConfirmed() {
    int expected = mode == RedisMode.PATTERN ? 3 : 2;
    count(1);
    if (++baseConfirmations == expected && state == State.SUBSCRIBING) {
      subscribeAll(new ArrayList<>(rooms.keySet()), 0);
    }
  }

  /** A room counts as subscribed when its last channel (join) is confirmed. */
  private void roomConfirmed(String channel) {
    String room = keys.roomOf(channel);
    Room r = room == null ? null : rooms.get(room);
    if (r != null && channel.equals(keys.joinChannel(room)) && r.confirmed.tryComplete()) {
      count(2);
    }
  }

  /** Subscribes {@code todo}'s rooms a batch at a time, each batch confirmed before the next; then ready. */
  private void subscribeAll(List<String> todo, int from) {
    RedisConnection c = conn;
    if (c == null || state != State.SUBSCRIBING) {
      return;
    }
    if (from >= todo.size()) {
      state = State.READY;
      attempt = 0;
      LOG.info("Redis subscriber ready ({} mode{})", mode.label(),
          mode.perRoom() ? ", " + rooms.size() + " rooms" : "");
      boolean again = everReady;
      everReady = true;
      listener.onReady(again);
      return;
    }
    int to = Math.min(todo.size(), from + BATCH);
    List<String> batch = new ArrayList<>();
    List<Future<Void>> confirmed = new ArrayList<>();
    for (String room : todo.subList(from, to)) {
      Room r = rooms.get(room);
      if (r != null && !r.confirmed.future().isComplete()) {
        batch.add(room);
        confirmed.add(r.confirmed.future());
      }
    }
    send(batch, true);
    Future.all(confirmed).timeout(timeoutMs, TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (c != conn) {
        return;
      }
      if (ar.failed()) {
        lost(c, "subscriptions not confirmed: " + ar.cause().getMessage());
      } else {
        subscribeAll(todo, to);
      }
    });
  }

  /** (Un)subscribes the channels of {@code batch}'s rooms ({@link RoomChannels#commands}). */
  private void send(List<String> batch, boolean subscribe) {
    RedisConnection c = conn;
    if (batch.isEmpty() || c == null) {
      return;
    }
    for (Request req : RoomChannels.commands(mode, keys, batch, subscribe)) {
      c.send(req).onFailure(e -> lost(c, e.toString()));
    }
  }

  private void count(int delta) {
    subscriptions += delta;
    metrics.pubsubSubscriptions(subscriptions);
  }
}
