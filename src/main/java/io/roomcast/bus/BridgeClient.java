package io.roomcast.bus;

import io.netty.util.collection.LongObjectHashMap;
import io.roomcast.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageProducer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's side of the bridge contract: requests with a deadline; a refused one fails with {@link Refused}
 * carrying the bridge's {@link Refusal}, and one that got no answer (no bridge, or none in time) is
 * {@link Refusal#unavailable()} ({@link #refusal}).
 *
 * <p>A request made on the event loop that made this client (every gateway request is) goes as a {@link BridgeCall}
 * and its answer comes back as a {@link BridgeAnswer} to this client's one address, matched by id: no reply handler
 * registered and no timer set per request, which is what the event bus' request and reply costs (a profile of a node
 * under load showed the registration on every message). Requests time out together: one timer, while any wait, fails
 * those past their deadline every tenth of the timeout (at most 100 ms), so a request fails between
 * {@code timeoutMs} and a tenth more after it was sent. No bridge listening fails a request at once, as a plain request
 * would. A request from any other thread goes as a plain request.
 */
public final class BridgeClient {
  private static final AtomicLong CLIENTS = new AtomicLong();

  private final Vertx vertx;
  private final EventBus bus;
  private final DeliveryOptions options;
  private final long timeoutMs;
  private final long timeoutNanos;
  private final long sweepEveryMs;
  private final Thread owner = Thread.currentThread();
  private final String replyTo = "roomcast.bridge.answers." + CLIENTS.incrementAndGet();
  private final MessageProducer<BridgeCall> toBridge;
  private final LongObjectHashMap<Waiting> waiting = new LongObjectHashMap<>();
  /** Oldest first: every request has the same timeout, so this is also the order of their deadlines. */
  private final ArrayDeque<Waiting> byAge = new ArrayDeque<>();
  private final Handler<Long> sweep = t -> sweep();
  private long lastId;
  private boolean sweeping;

  /** Made on the event loop whose requests it carries (a verticle's start), where its answers arrive too. */
  public BridgeClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.timeoutMs = timeoutMs;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    this.sweepEveryMs = Math.max(1, Math.min(100, timeoutMs / 10));
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.toBridge = bus.sender(Addresses.BRIDGE);
    bus.<BridgeAnswer>localConsumer(replyTo, m -> answered(m.body()));
  }

  @SuppressWarnings("unchecked")
  public <R extends BridgeReply> Future<R> ask(BridgeRequest<R> request) {
    if (Thread.currentThread() != owner) {
      return bus.<R>request(Addresses.BRIDGE, request, options).map(Message::body);
    }
    Waiting w = new Waiting(++lastId, System.nanoTime() + timeoutNanos);
    waiting.put(w.id, w);
    byAge.add(w);
    if (!sweeping) {
      sweeping = true;
      vertx.setTimer(sweepEveryMs, sweep);
    }
    Future<Void> sent = toBridge.write(new BridgeCall(request, replyTo, w.id));
    if (sent.failed()) {
      failed(w.id, sent.cause());   // no bridge listening: at once, as a plain request
    } else if (!sent.isComplete()) {
      long id = w.id;
      sent.onFailure(e -> failed(id, e));
    }
    return (Future<R>) w.future;
  }

  /** Sends without waiting for an answer (typing, leaves of a closed connection). */
  public void tell(BridgeRequest<?> request) {
    bus.send(Addresses.BRIDGE, request);
  }

  private void answered(BridgeAnswer answer) {
    Waiting w = waiting.remove(answer.id());
    if (w == null) {
      return;   // timed out already
    }
    Promise<BridgeReply> promise = w.settle();
    if (answer.reply() != null) {
      promise.complete(answer.reply());
    } else {
      promise.fail(answer.refusal().exception());
    }
    if (waiting.isEmpty()) {
      byAge.clear();   // all answered: nothing left to time out
    }
  }

  private void failed(long id, Throwable cause) {
    Waiting w = waiting.remove(id);
    if (w != null) {
      w.settle().fail(cause);
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Waiting w = byAge.peek(); w != null && now - w.deadline >= 0; w = byAge.peek()) {
      byAge.poll();
      if (waiting.remove(w.id) != null) {
        w.settle().fail(new ReplyException(ReplyFailure.TIMEOUT,
            "Timed out after waiting " + timeoutMs + "(ms) for the bridge"));
      }
    }
    sweeping = !byAge.isEmpty();
    if (sweeping) {
      vertx.setTimer(sweepEveryMs, sweep);
    }
  }

  private static final class Waiting {
    final long id;
    final long deadline;
    /** Null once settled: an answered request may wait in {@code byAge} until its deadline, its reply need not. */
    private Promise<BridgeReply> promise = Promise.promise();
    private final Future<BridgeReply> future = promise.future();

    Waiting(long id, long deadline) {
      this.id = id;
      this.deadline = deadline;
    }

    Promise<BridgeReply> settle() {
      Promise<BridgeReply> p = promise;
      promise = null;
      return p;
    }
  }

  /** What to tell the client when the bridge refused or did not answer. */
  public static Refusal refusal(Throwable err) {
    if (err instanceof Refused r) {
      return r.refusal();
    }
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && ErrorCode.ofNumber(re.failureCode()) != null) {
      // a plain request's refusal (one asked off the client's event loop): the bus' own failed reply
      return new Refusal(ErrorCode.ofNumber(re.failureCode()), re.getMessage());
    }
    if (err instanceof ReplyException) {
      // no bridge registered (not deployed, restarting) or no answer in time
      return Refusal.unavailable();
    }
    return Refusal.internal();
  }
}
