package io.roomcast.bridge;

import io.roomcast.bus.Addresses;
import io.roomcast.bus.BridgeAnswer;
import io.roomcast.bus.BridgeCall;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.RoomEvent;
import io.roomcast.bus.Refusal;
import io.roomcast.bus.Refused;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.MessageId;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import io.roomcast.webhooks.WebhookDelivery;
import io.roomcast.webhooks.WebhookStore;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of the event bus, one per node: takes the gateways' {@link BridgeRequest}s on
 * {@link Addresses#BRIDGE} (plain, answered as the message's reply, or in a {@link BridgeCall}, answered with a
 * {@link BridgeAnswer} to the caller's address), answers each through its {@link Broker} (every request type has its
 * method, see {@link BridgeRequest.Visitor}; a request that fails unexpectedly is answered {@code internal}, never left to time out),
 * refuses requests with {@code unavailable} at once while the broker is not ready, maps refusals to protocol error codes
 * (by number), and publishes the broker's events to the gateways.
 */
public final class BridgeVerticle extends VerticleBase
    implements BridgeRequest.Visitor<Future<? extends BridgeReply>>, RoomEvents {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);

  private final BiFunction<Vertx, RoomEvents, Broker> brokers;
  private final BiFunction<Vertx, WebhookStore, WebhookDelivery> deliveries;
  private Broker broker;
  private WebhookDelivery delivery;
  private MessageConsumer<Object> consumer;

  /** @param brokers makes the broker, given this verticle's Vertx and where its events go */
  public BridgeVerticle(BiFunction<Vertx, RoomEvents, Broker> brokers) {
    this(brokers, null);
  }

  /** @param deliveries makes the webhook delivery over the broker's event store, when webhooks are on (else null) */
  public BridgeVerticle(BiFunction<Vertx, RoomEvents, Broker> brokers,
      BiFunction<Vertx, WebhookStore, WebhookDelivery> deliveries) {
    this.brokers = brokers;
    this.deliveries = deliveries;
  }

  @Override
  public Future<?> start() {
    broker = brokers.apply(vertx, this);
    return broker.start().compose(v -> {
      if (deliveries != null && broker.webhooks() != null) {
        delivery = deliveries.apply(vertx, broker.webhooks());
        delivery.start();
      }
      consumer = vertx.eventBus().localConsumer(Addresses.BRIDGE, this::handle);
      return consumer.completion();
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> handedOver = delivery == null ? Future.succeededFuture() : delivery.stop();
    return handedOver.eventually(() -> consumer.unregister()).eventually(() -> broker.stop());
  }

  private void handle(Message<Object> msg) {
    // a gateway's call (answered to its address) or a plain request (answered as the message's reply)
    BridgeCall call = msg.body() instanceof BridgeCall c ? c : null;
    Object body = call != null ? call.request() : msg.body();
    // every BridgeRequest has its visitor method (the compiler checks it); anything else is refused, not left to
    // time out on the sender's side
    if (!(body instanceof BridgeRequest<?> request)) {
      answer(msg, call, null, new Refusal(ErrorCode.BAD_REQUEST, "not a bridge request: "
          + (body == null ? "null" : body.getClass().getSimpleName())));
      return;
    }
    Future<? extends BridgeReply> reply;
    try {
      reply = !request.whileUnavailable() && !broker.ready()
          ? Future.failedFuture(Refusal.unavailable().exception())
          : request.accept(this);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    if (reply == null) {
      return;   // fire and forget
    }
    reply.onComplete(ar -> {
      if (ar.succeeded()) {
        answer(msg, call, ar.result(), null);
      } else if (ar.cause() instanceof Refused refused) {
        answer(msg, call, null, refused.refusal());
      } else {
        LOG.error("broker request {} failed", request.getClass().getSimpleName(), ar.cause());
        answer(msg, call, null, Refusal.internal());
      }
    });
  }

  /**
   * {@code reply}, or (reply null) the refusal: to the call's address, or as the plain request's reply (a refusal
   * then as the bus' failed reply, with the error code's number).
   */
  private void answer(Message<Object> msg, BridgeCall call, BridgeReply reply, Refusal refusal) {
    if (call != null) {
      vertx.eventBus().send(call.replyTo(), new BridgeAnswer(call.id(), reply, refusal));
    } else if (reply != null) {
      msg.reply(reply);
    } else {
      msg.fail(refusal.code().number(), refusal.message());
    }
  }

  @Override
  public void toRoom(String room, RoomEvent event) {
    vertx.eventBus().publish(Addresses.room(room), event);
  }

  @Override
  public void toAll(RoomEvent event) {
    vertx.eventBus().publish(Addresses.ROOMS, event);
  }

  // ---- one method per request type ----

  @Override
  public Future<BridgeReply.Created> create(BridgeRequest.Create r) {
    return broker.create(r.room(), r.quota()).map(BridgeReply.Created::new);
  }

  @Override
  public Future<BridgeReply.RoomList> listRooms(BridgeRequest.ListRooms r) {
    return broker.rooms().map(BridgeReply.RoomList::new);
  }

  /**
   * Joins, then (for a resuming connection) reads what it missed: whatever is stored in between comes twice, and the
   * session writes it once. A resume that recovers starts the member's stream at {@code since}; any other join at the
   * room's position when it took effect.
   */
  @Override
  public Future<BridgeReply.Joined> join(BridgeRequest.Join r) {
    MessageId since = MessageId.parse(r.since());
    return broker.join(r.room(), r.user(), r.session(), r.quota()).compose(joined -> since == null
        ? Future.succeededFuture(new BridgeReply.Joined(joined.members(), false, List.of(), joined.last()))
        : broker.recover(r.room(), since).map(missed -> missed == null
            ? new BridgeReply.Joined(joined.members(), false, List.of(), joined.last())
            : new BridgeReply.Joined(joined.members(), true, missed, since)));
  }

  @Override
  public Future<BridgeReply.Done> leave(BridgeRequest.Leave r) {
    return broker.leave(r.room(), r.user(), r.session()).map(v -> new BridgeReply.Done());
  }

  @Override
  public Future<BridgeReply.Sent> publish(BridgeRequest.Publish r) {
    return broker.publish(r.room(), r.user(), r.text(), r.key()).map(BridgeReply.Sent::new);
  }

  @Override
  public Future<BridgeReply.Page> history(BridgeRequest.History r) {
    return r.before() != null && r.before().isZero() ? Future.succeededFuture(new BridgeReply.Page(List.of()))
        : broker.history(r.room(), r.before(), r.limit()).map(BridgeReply.Page::new);
  }

  @Override
  public Future<BridgeReply.UserList> members(BridgeRequest.Members r) {
    return broker.members(r.room()).map(BridgeReply.UserList::new);
  }

  @Override
  public Future<BridgeReply> typing(BridgeRequest.Typing r) {
    broker.typing(r.room(), r.user());
    return null;
  }

  @Override
  public Future<BridgeReply.Status> ping(BridgeRequest.Ping r) {
    return Future.succeededFuture(new BridgeReply.Status(broker.ready()));
  }

  @Override
  public Future<BridgeReply.Admitted> connect(BridgeRequest.Connect r) {
    return broker.connect(r.user(), r.max()).map(BridgeReply.Admitted::new);
  }

  @Override
  public Future<BridgeReply> disconnect(BridgeRequest.Disconnect r) {
    broker.disconnect(r.user());
    return null;
  }

  @Override
  public Future<BridgeReply.Events> deadWebhooks(BridgeRequest.DeadWebhooks r) {
    WebhookStore store = broker.webhooks();
    return store == null ? Future.failedFuture(webhooksOff())
        : store.deadEvents(r.limit()).map(events -> new BridgeReply.Events(events.stream()
            .map(e -> e.body().toJsonObject().put("id", e.id())).toList()));
  }

  @Override
  public Future<BridgeReply.Count> replayWebhooks(BridgeRequest.ReplayWebhooks r) {
    WebhookStore store = broker.webhooks();
    if (store == null) {
      return Future.failedFuture(webhooksOff());
    }
    return store.replayDead(r.limit()).map(n -> {
      LOG.info("webhooks: {} dead events put back in their rooms' queues", n);
      return new BridgeReply.Count(n);
    });
  }

  private static Refused webhooksOff() {
    return new Refusal(ErrorCode.BAD_REQUEST, "webhooks are not configured on this node (CHAT_WEBHOOK_URL)")
        .exception();
  }
}
