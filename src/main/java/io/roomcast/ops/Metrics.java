package io.roomcast.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The node's own Prometheus series (next to Vert.x's). One instance per node, shared by all its verticles. */
public final class Metrics {
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger roomJoins = new AtomicInteger();
  private final AtomicInteger rooms = new AtomicInteger();
  private final AtomicInteger localRooms = new AtomicInteger();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private final Counter messagesIn;
  private final Counter messagesOut;
  private final Counter socketFlushes;
  private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
  private final Map<CloseCode, Counter> closes = new EnumMap<>(CloseCode.class);
  private final Counter closesForced;
  private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);

  /** Why a WebSocket upgrade was refused (the {@code reason} label of {@code roomcast_upgrades_refused_total}). */
  public enum Refusal {
    DRAINING, NOT_WEBSOCKET, UPGRADE_RATE, ORIGIN, ADDRESS_CONNECTIONS, IDENTITY, HOOK, USER_CONNECTIONS, BROKER;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
  private final Counter typingDropped;
  private final Counter messagesDropped;
  private final Counter configApplied;
  private final Counter configRejected;
  private final Counter redisReconnects;
  private final Counter pubsubReceived;
  private final Counter pubsubMalformed;
  private final Counter backfilled;
  private final Timer publishLatency;
  private final Timer deliveryLatency;
  private final Timer pubsubLag;
  private final Timer eventLoopDelay;
  private final JvmGcMetrics jvmGc;

  /** The HTTP methods recorded by name; Vert.x labels each request with its method, and any token is a method. */
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");
  /** The most values any label of Vert.x's series may take; beyond it, new series are not created. */
  static final int MAX_LABEL_VALUES = 64;

  /**
   * A Prometheus registry whose label values are bounded, so no client can grow {@code /metrics} (and the heap)
   * without end: unknown HTTP methods are recorded as {@code OTHER}, status codes outside 100..599 as {@code other},
   * and every label of Vert.x's series keeps at most {@link #MAX_LABEL_VALUES} values.
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        if (!id.getName().startsWith("vertx")) {
          return id;
        }
        List<Tag> tags = new ArrayList<>();
        for (Tag t : id.getTagsAsIterable()) {
          if (t.getKey().equals("method") && !KNOWN_METHODS.contains(t.getValue())) {
            tags.add(Tag.of("method", "OTHER"));
          } else if (t.getKey().equals("code") && !t.getValue().matches("[1-5]\\d\\d")) {
            tags.add(Tag.of("code", "other"));
          } else {
            tags.add(t);
          }
        }
        return id.replaceTags(tags);
      }
    });
    for (String label : List.of("method", "code", "route", "path", "address", "side", "remote", "local", "pool_type",
        "pool_name", "client_name", "server_name", "class", "version", "failure")) {
      registry.config().meterFilter(MeterFilter.maximumAllowableTags("vertx", label, MAX_LABEL_VALUES,
          MeterFilter.deny()));
    }
    return registry;
  }

  public Metrics(MeterRegistry registry) {
    // the JVM under the node: heap and non-heap pools, GC pauses and allocation, threads, classes, CPU
    new JvmMemoryMetrics().bindTo(registry);
    jvmGc = new JvmGcMetrics();
    jvmGc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    eventLoopDelay = Timer.builder("roomcast_event_loop_delay")
        .description("How late the event loops run a task scheduled on them (a blocked or saturated loop shows here)")
        .publishPercentileHistogram().register(registry);
    Gauge.builder("roomcast_connections", connections, AtomicInteger::get)
        .description("Open WebSocket connections").register(registry);
    Gauge.builder("roomcast_room_joins", roomJoins, AtomicInteger::get)
        .description("Rooms joined, counted once per connection and room").register(registry);
    Gauge.builder("roomcast_rooms", rooms, AtomicInteger::get)
        .description("Rooms known to this node's broker").register(registry);
    Gauge.builder("roomcast_local_rooms", localRooms, AtomicInteger::get)
        .description("Rooms with members connected to this node").register(registry);
    Gauge.builder("roomcast_pubsub_subscriptions", subscriptions, AtomicInteger::get)
        .description("Redis pub/sub subscriptions this node holds (channels and patterns)").register(registry);
    messagesIn = Counter.builder("roomcast_messages_in").description("Messages accepted from clients")
        .register(registry);
    messagesOut = Counter.builder("roomcast_messages_out")
        .description("Message events written to client sockets").register(registry);
    socketFlushes = Counter.builder("roomcast_socket_flushes")
        .description("Flushes of client sockets, each sending every frame its connection got since the one before")
        .register(registry);
    for (CloseCode code : CloseCode.values()) {
      closes.put(code, Counter.builder("roomcast_closes").tag("code", String.valueOf(code.code()))
          .description("Connections the server closed, by close code").register(registry));
    }
    closesForced = Counter.builder("roomcast_closes_forced")
        .description("Connections the server closed whose client did not complete the close handshake within "
            + "closeTimeoutMs: reset")
        .register(registry);
    configApplied = Counter.builder("roomcast_config_reloads").tag("result", "applied")
        .description("Changes of the mounted config file, applied or rejected").register(registry);
    configRejected = Counter.builder("roomcast_config_reloads").tag("result", "rejected")
        .description("Changes of the mounted config file, applied or rejected").register(registry);
    messagesDropped = Counter.builder("roomcast_messages_dropped")
        .description("Message events not written to a client being closed as too slow (it resumes from its last id)")
        .register(registry);
    typingDropped = Counter.builder("roomcast_typing_dropped")
        .description("Typing events not sent to clients that were not reading").register(registry);
    redisReconnects = Counter.builder("roomcast_redis_reconnects")
        .description("Times the Redis subscriber connection was re-established after it was lost").register(registry);
    pubsubReceived = Counter.builder("roomcast_redis_pubsub_received")
        .description("Messages received from Redis pub/sub").register(registry);
    pubsubMalformed = Counter.builder("roomcast_redis_pubsub_malformed")
        .description("Pub/sub messages dropped because they were not what a node publishes (malformed or forged)")
        .register(registry);
    backfilled = Counter.builder("roomcast_redis_backfilled")
        .description("Messages delivered from room streams after a gap in the Redis subscription").register(registry);
    publishLatency = Timer.builder("roomcast_redis_publish_latency")
        .description("Time to store and publish a message in Redis").publishPercentileHistogram()
        .register(registry);
    deliveryLatency = Timer.builder("roomcast_delivery_latency")
        .description("From a message's storage to its write to the sockets of this node").publishPercentileHistogram()
        .register(registry);
    pubsubLag = Timer.builder("roomcast_redis_pubsub_lag")
        .description("From a message's storage in Redis to its arrival on this node's subscription")
        .publishPercentileHistogram().register(registry);
    for (Refusal reason : Refusal.values()) {
      refusals.put(reason, Counter.builder("roomcast_upgrades_refused").tag("reason", reason.label())
          .description("WebSocket upgrades refused, by reason").register(registry));
    }
    for (ErrorCode code : ErrorCode.values()) {
      errors.put(code, Counter.builder("roomcast_errors").tag("code", code.wire())
          .description("Error replies sent to clients, by code").register(registry));
    }
  }

  public void connectionOpened() {
    connections.incrementAndGet();
  }

  public int openConnections() {
    return connections.get();
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  public void joined() {
    roomJoins.incrementAndGet();
  }

  public void left() {
    roomJoins.decrementAndGet();
  }

  public void rooms(int count) {
    rooms.set(count);
  }

  public void localRooms(int count) {
    localRooms.set(count);
  }

  public void messageIn() {
    messagesIn.increment();
  }

  public void messagesOut(int count) {
    messagesOut.increment(count);
  }

  public void socketFlushes(int count) {
    socketFlushes.increment(count);
  }

  public void closed(CloseCode code) {
    closes.get(code).increment();
  }

  public void closeForced() {
    closesForced.increment();
  }

  public void configReloaded(boolean applied) {
    (applied ? configApplied : configRejected).increment();
  }

  public void messageDropped() {
    messagesDropped.increment();
  }

  public void typingDropped() {
    typingDropped.increment();
  }

  /** The Redis pub/sub subscriptions (channels and patterns) this node holds now. */
  public void pubsubSubscriptions(int count) {
    subscriptions.set(count);
  }

  public void redisReconnected() {
    redisReconnects.increment();
  }

  public void pubsubReceived() {
    pubsubReceived.increment();
  }

  public void pubsubMalformed() {
    pubsubMalformed.increment();
  }

  public void backfilled(int count) {
    backfilled.increment(count);
  }

  /** Once per fan-out (not per recipient): the message was stored at {@code storedAtMs}. */
  public void delivered(long storedAtMs) {
    deliveryLatency.record(Math.max(0, System.currentTimeMillis() - storedAtMs), TimeUnit.MILLISECONDS);
  }

  public void pubsubLag(long storedAtMs) {
    pubsubLag.record(Math.max(0, System.currentTimeMillis() - storedAtMs), TimeUnit.MILLISECONDS);
  }

  public void publishLatency(long nanos) {
    publishLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void upgradeRefused(Refusal reason) {
    refusals.get(reason).increment();
  }

  /** An event loop ran a task {@code nanos} later than it was due. */
  public void eventLoopDelay(long nanos) {
    eventLoopDelay.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /** Stops listening to GC notifications (when the node stops; the JVM may host other nodes in tests). */
  public void close() {
    jvmGc.close();
  }

  public void error(ErrorCode code) {
    errors.get(code).increment();
  }
}
