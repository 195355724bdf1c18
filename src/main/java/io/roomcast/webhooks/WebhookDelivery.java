package io.roomcast.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.roomcast.config.ChatConfig;
import io.roomcast.config.WebhookSettings;
import io.roomcast.hooks.Signer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the recorded events (docs/hooks.md): while this node holds the lease, every {@code webhookPollMs} it takes
 * rooms with events, up to {@code webhookConcurrency} at once, and sends each room's events one at a time, oldest
 * first; an event leaves its queue only once the backend answered 2xx. A failed attempt is retried after a pause that
 * doubles from {@code webhookRetryMinMs} to {@code webhookRetryMaxMs} with jitter (the room's later events wait behind
 * it: the order holds); an event still undelivered {@code webhookMaxAgeSeconds} after it was queued is set aside as
 * dead, counted and logged, and the room goes on. Runs on the bridge's event loop; never blocks it.
 */
public final class WebhookDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);
  /** Events read from a room's queue at a time. */
  private static final int BATCH = 16;
  /** How often the holder looks through every room for events whose hint was lost. */
  private static final long SWEEP_MS = 60_000;

  private final Vertx vertx;
  private final WebhookSettings settings;
  private final WebhookStore store;
  private final WebClient client;
  private final Signer signer;
  private final Set<String> active = new HashSet<>();
  private final AtomicInteger holding = new AtomicInteger();
  private final Counter delivered;
  private final Counter failedAttempts;
  private final Counter deadEvents;
  private final Timer latency;
  private long timer = -1;
  private long lastSweep;
  private boolean polling;
  private boolean stopped;

  public WebhookDelivery(Vertx vertx, WebhookSettings settings, WebhookStore store, MeterRegistry registry) {
    this.vertx = vertx;
    this.settings = settings;
    this.store = store;
    this.signer = new Signer(settings.secret());
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setUserAgent("roomcast-webhooks")
        .setConnectTimeout(Math.min(settings.timeoutMs(), 10_000)),
        new PoolOptions().setHttp1MaxSize(Math.max(1, settings.concurrency())));
    delivered = Counter.builder("roomcast_webhooks_delivered").description("Events the backend acknowledged (2xx)")
        .register(registry);
    failedAttempts = Counter.builder("roomcast_webhooks_failed_attempts")
        .description("Delivery attempts that failed (not 2xx, timeout, unreachable); each is retried")
        .register(registry);
    deadEvents = Counter.builder("roomcast_webhooks_dead")
        .description("Events set aside undelivered after webhookMaxAgeSeconds").register(registry);
    latency = Timer.builder("roomcast_webhooks_latency")
        .description("From an event's recording to its acknowledgement by the backend").publishPercentileHistogram()
        .register(registry);
    Gauge.builder("roomcast_webhooks_delivering", holding, AtomicInteger::get)
        .description("1 while this node holds the delivery lease (one node of a cluster delivers)")
        .register(registry);
  }

  /** Starts polling (from the bridge's context). */
  public void start() {
    if (store instanceof MemoryWebhookStore) {
      LOG.info("webhooks: delivering to {}; the in-memory broker keeps undelivered events in this node's memory "
          + "only (a restart loses them; with Redis they are kept there)", ChatConfig.urlForLogs(settings.url()));
    } else {
      LOG.info("webhooks: delivering to {} (events kept in Redis until acknowledged)",
          ChatConfig.urlForLogs(settings.url()));
    }
    timer = vertx.setPeriodic(settings.pollMs(), t -> poll());
  }

  /**
   * Stops delivering and gives the lease up, so another node takes over at once (a rolling restart) instead of after
   * {@code webhookLeaseMs}. A delivery in flight may be repeated by it: at least once, same id.
   */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (holding.getAndSet(0) == 0) {
      return Future.succeededFuture();
    }
    return store.lease(0).otherwiseEmpty().mapEmpty();
  }

  private void poll() {
    if (polling || stopped) {
      return;
    }
    polling = true;
    store.lease(settings.leaseMs()).compose(held -> {
      if (holding.getAndSet(held ? 1 : 0) != (held ? 1 : 0)) {
        LOG.info(held ? "webhooks: this node delivers events now" : "webhooks: another node delivers events now");
        lastSweep = 0;
      }
      if (!held) {
        return Future.succeededFuture();
      }
      long now = System.currentTimeMillis();
      Future<Void> swept = Future.succeededFuture();
      if (now - lastSweep > SWEEP_MS) {
        lastSweep = now;
        swept = store.sweep();
      }
      int room = settings.concurrency() - active.size();
      return room <= 0 ? swept : swept.compose(v -> store.pendingRooms(settings.concurrency() * 2)).map(rooms -> {
        for (String r : rooms) {
          if (active.size() >= settings.concurrency()) {
            break;
          }
          if (active.add(r)) {
            drain(r);
          }
        }
        return null;
      });
    }).onComplete(ar -> {
      polling = false;
      if (ar.failed()) {
        LOG.debug("webhooks: poll failed: {}", ar.cause().toString());
      }
    });
  }

  /** Delivers {@code room}'s events in order until its queue is empty (or this node no longer holds the lease). */
  private void drain(String room) {
    if (stopped || holding.get() == 0) {
      active.remove(room);
      return;
    }
    store.head(room, BATCH).compose(events -> events.isEmpty()
            ? store.settle(room).map(more -> more)
            : deliverAll(events, 0).map(true))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result()) {
            drain(room);
          } else {
            active.remove(room);   // the queue is empty, or the store failed: the next poll takes the room again
          }
        });
  }

  private Future<Void> deliverAll(List<WebhookEvent> events, int from) {
    if (from == events.size() || stopped || holding.get() == 0) {
      return Future.succeededFuture();
    }
    return deliver(events.get(from), 0).compose(v -> deliverAll(events, from + 1));
  }

  /** One event: attempts until a 2xx, or until it is too old (then dead). */
  private Future<Void> deliver(WebhookEvent event, int attempt) {
    if (stopped || holding.get() == 0) {
      return Future.failedFuture("not delivering");
    }
    if (System.currentTimeMillis() - event.queuedMs() > settings.maxAgeSeconds() * 1000L) {
      deadEvents.increment();
      LOG.warn("webhooks: event {} ({} in room {}) not delivered within {} s: set aside as dead", event.id(),
          event.type(), event.room(), settings.maxAgeSeconds());
      return store.dead(event, settings.deadMax());
    }
    return post(event).compose(ok -> store.delivered(event).onSuccess(v -> {
      delivered.increment();
      latency.record(Math.max(0, System.currentTimeMillis() - event.ts()), TimeUnit.MILLISECONDS);
    }), err -> {
      failedAttempts.increment();
      long pause = backoff(attempt);
      LOG.debug("webhooks: event {} attempt {} failed ({}); retry in {} ms", event.id(), attempt + 1, err.toString(),
          pause);
      return pause(pause).compose(v -> deliver(event, attempt + 1));
    });
  }

  /** One attempt: true on a 2xx. */
  private Future<Boolean> post(WebhookEvent event) {
    Buffer body = event.body();
    long ts = System.currentTimeMillis() / 1000;
    return client.postAbs(settings.url())
        .timeout(settings.timeoutMs())
        .putHeader("content-type", "application/json")
        .putHeader(Signer.ID, event.id())
        .putHeader(Signer.TIMESTAMP, Long.toString(ts))
        .putHeader(Signer.SIGNATURE, signer.sign(event.id(), ts, body.getBytes()))
        .sendBuffer(body)
        .compose(resp -> resp.statusCode() / 100 == 2 ? Future.succeededFuture(true)
            : Future.failedFuture("HTTP " + resp.statusCode()));
  }

  /** The pause before retry {@code attempt + 1}: doubling from the minimum, capped, with up to half of it as jitter. */
  long backoff(int attempt) {
    long base = Math.min(settings.retryMaxMs(), settings.retryMinMs() * (1L << Math.min(attempt, 30)));
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  private Future<Void> pause(long ms) {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    vertx.setTimer(Math.max(1, ms), t -> p.complete());
    return p.future();
  }
}
