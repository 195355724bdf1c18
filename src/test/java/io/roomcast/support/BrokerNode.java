package io.roomcast.support;

import io.roomcast.bridge.BridgeVerticle;
import io.roomcast.bridge.memory.MemoryBroker;
import io.roomcast.bridge.redis.RedisBroker;
import io.roomcast.bus.Addresses;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.LocalCodec;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.ChatConfig;
import io.roomcast.config.ConfigLoader;
import io.roomcast.ops.Metrics;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.TextFrame;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker on its own, driven the way gateways drive it: a Vertx with the {@link BridgeVerticle} and its broker
 * (memory, or Redis in the configured mode), {@link BridgeRequest}s sent on the event bus, and the {@link RoomEvent}s
 * it publishes recorded per room. What the broker contract tests use; no gateway, no sockets.
 */
public final class BrokerNode implements AutoCloseable {
  private static final AtomicInteger COUNT = new AtomicInteger();

  private final Vertx vertx;
  private final ChatConfig config;
  private final Metrics metrics;
  private final Map<String, List<JsonObject>> events = new ConcurrentHashMap<>();
  private final List<JsonObject> roomList = new CopyOnWriteArrayList<>();
  private final Set<String> listening = ConcurrentHashMap.newKeySet();

  private BrokerNode(Map<String, String> env) {
    vertx = Vertx.vertx();
    LocalCodec.register(vertx);
    Map<String, String> settings = new HashMap<>();
    settings.put("CHAT_NODE_ID", "broker-" + COUNT.incrementAndGet());
    settings.put("CHAT_LOG_LEVEL", "ERROR");
    settings.putAll(env);
    config = Await.result(ConfigLoader.load(vertx, settings));
    metrics = new Metrics(Metrics.newRegistry());
    Await.result(vertx.deployVerticle(new BridgeVerticle((v, out) -> config.usesRedis()
        ? new RedisBroker(v, config.nodeSettings(), config.redisSettings(), config.roomSettings(), metrics, out)
        : new MemoryBroker(v, config.roomSettings(), metrics, out))));
    vertx.eventBus().<RoomEvent>localConsumer(Addresses.ROOMS, m -> roomList.add(json(m.body())));
  }

  /** Starts a broker node; {@code env} holds settings by environment name ({@code REDIS_URL}, ...). */
  public static BrokerNode start(Map<String, String> env) {
    return new BrokerNode(env);
  }

  public ChatConfig config() {
    return config;
  }

  public String nodeId() {
    return config.nodeId();
  }

  public boolean ready() {
    try {
      return this.ask(new BridgeRequest.Ping()).ready();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Waits until the broker is ready (its Redis subscription is in place). */
  public BrokerNode awaitReady() {
    Await.until(nodeId() + " ready", Duration.ofSeconds(20), this::ready);
    return this;
  }

  /** Records the events of {@code room} from now on, as a gateway with a member there would receive them. */
  public void listen(String room) {
    if (listening.add(room)) {
      events.putIfAbsent(room, new CopyOnWriteArrayList<>());
      Await.result(vertx.eventBus().<RoomEvent>localConsumer(Addresses.room(room),
          m -> events.get(room).add(json(m.body()))).completion());
    }
  }

  /** The events of {@code room} recorded so far, as JSON ({@code {"type":"resync"}} for a resync). */
  public List<JsonObject> events(String room) {
    return new ArrayList<>(events.getOrDefault(room, List.of()));
  }

  /** The events of {@code room} of one type. */
  public List<JsonObject> events(String room, String type) {
    return events(room).stream().filter(e -> type.equals(e.getString("type"))).toList();
  }

  /** The ids of the message events of {@code room} recorded so far, in order. */
  public List<String> messageIds(String room) {
    return events(room, "message").stream().map(e -> e.getString("id")).toList();
  }

  /** The room created/deleted events recorded so far. */
  public List<JsonObject> roomList() {
    return new ArrayList<>(roomList);
  }

  /** Sends a request and waits for the reply; a refusal throws {@link Refused}. */
  public <R extends BridgeReply> R ask(BridgeRequest<R> request) {
    try {
      return Await.result(vertx.eventBus().<R>request(Addresses.BRIDGE, request).map(Message::body));
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause != null && !(cause instanceof ReplyException)) {
        cause = cause.getCause();
      }
      if (cause instanceof ReplyException r) {
        throw new Refused(ErrorCode.ofNumber(r.failureCode()), r.getMessage());
      }
      throw e;
    }
  }

  /** Sends any body to the bridge's address and waits for the answer; a refusal throws {@link Refused}. */
  public Object askRaw(Object body) {
    try {
      return Await.result(vertx.eventBus().request(Addresses.BRIDGE, body).map(Message::body));
    } catch (RuntimeException e) {
      Throwable cause = e;
      while (cause != null && !(cause instanceof ReplyException)) {
        cause = cause.getCause();
      }
      if (cause instanceof ReplyException r && r.failureType() == io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE) {
        throw new Refused(ErrorCode.ofNumber(r.failureCode()), r.getMessage());
      }
      throw e;
    }
  }

  /** Sends a fire-and-forget request (typing, disconnect). */
  public void tell(BridgeRequest<?> request) {
    vertx.eventBus().send(Addresses.BRIDGE, request);
  }

  /** The error code a request is refused with, or null when it succeeds. */
  public ErrorCode refusal(BridgeRequest<?> request) {
    try {
      ask(request);
      return null;
    } catch (Refused r) {
      return r.code();
    }
  }

  private static JsonObject json(RoomEvent e) {
    return e.kind() == RoomEvent.Kind.RESYNC ? new JsonObject().put("type", "resync")
        : new JsonObject(TextFrame.payload(e.wire()));
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }

  /** A request the broker refused, with the protocol's error code. */
  public static final class Refused extends RuntimeException {
    private final ErrorCode code;

    Refused(ErrorCode code, String message) {
      super(code + ": " + message);
      this.code = code;
    }

    public ErrorCode code() {
      return code;
    }
  }
}
