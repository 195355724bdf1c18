package io.roomcast.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.protocol.ErrorCode;
import io.roomcast.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The gateway's requests to the bridge on a real event bus, with a stand-in bridge that answers as the real one does
 * (a {@link BridgeAnswer} to the call's address) when and how a test says: answers find their requests whatever their
 * order, refusals keep their codes, a missing bridge fails at once, a silent one times out, and no event-bus handler is
 * registered per request (Vert.x's event-bus metrics count every registration).
 */
class BridgeClientTest {
  private final AtomicInteger registrations = new AtomicInteger();
  private final Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(new MetricsOptions().setEnabled(true)))
      .withMetrics(options -> new VertxMetrics() {
        @Override
        public EventBusMetrics<?> createEventBusMetrics() {
          return new EventBusMetrics<Object>() {
            @Override
            public Object handlerRegistered(String address) {
              registrations.incrementAndGet();
              return null;
            }
          };
        }
      })
      .build();
  private final Context loop = vertx.getOrCreateContext();
  private final List<Message<Object>> calls = new CopyOnWriteArrayList<>();
  private BridgeClient client;

  BridgeClientTest() {
    LocalCodec.register(vertx);
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  /** Runs {@code action} on the client's event loop, as a gateway does. */
  private <T> Future<T> onLoop(Supplier<Future<T>> action) {
    Promise<Future<T>> made = Promise.promise();
    loop.runOnContext(v -> made.complete(action.get()));
    return Await.result(made.future());
  }

  private void startClient(long timeoutMs) {
    Await.result(onLoop(() -> {
      client = new BridgeClient(vertx, timeoutMs);
      return Future.succeededFuture();
    }));
  }

  private void standInBridge() {
    Await.result(onLoop(() -> vertx.eventBus().localConsumer(Addresses.BRIDGE, calls::add).completion()));
  }

  private void answer(Message<Object> msg, BridgeReply reply, int code, String message) {
    BridgeCall call = (BridgeCall) msg.body();
    vertx.eventBus().send(call.replyTo(), new BridgeAnswer(call.id(), reply,
        reply == null ? new Refusal(ErrorCode.ofNumber(code), message) : null));
  }

  /** What {@code asked} failed with, once it has. */
  private static Throwable failure(Future<?> asked) {
    return Await.result(asked.transform(ar -> Future.succeededFuture(ar.cause())));
  }

  private static BridgeRequest.Members members(String room) {
    return new BridgeRequest.Members(room);
  }

  @Test
  @DisplayName("each answer reaches its own request, in whatever order the bridge answers, with no handler per request")
  void answersFindTheirRequests() {
    startClient(60_000);
    standInBridge();
    int before = registrations.get();
    List<Future<BridgeReply.UserList>> asked = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String room = "r" + i;
      asked.add(onLoop(() -> client.ask(members(room))));
    }
    Await.until("the bridge to have every call", Duration.ofSeconds(10), () -> calls.size() == 100);
    assertThat(registrations.get() - before).as("event-bus handlers registered for 100 requests").isZero();
    for (int i = calls.size() - 1; i >= 0; i--) {
      Message<Object> msg = calls.get(i);
      String room = ((BridgeRequest.Members) ((BridgeCall) msg.body()).request()).room();
      answer(msg, new BridgeReply.UserList(List.of("member of " + room)), 0, null);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(Await.result(asked.get(i)).users()).containsExactly("member of r" + i);
    }
  }

  @Test
  @DisplayName("a refusal keeps its error code")
  void refusalKeepsItsCode() {
    startClient(60_000);
    standInBridge();
    Future<BridgeReply.UserList> asked = onLoop(() -> client.ask(members("r")));
    Await.until("the call", Duration.ofSeconds(10), () -> calls.size() == 1);
    answer(calls.get(0), null, ErrorCode.RATE_LIMITED.number(), "slow down");
    Throwable err = failure(asked);
    assertThat(BridgeClient.refusal(err)).isEqualTo(new Refusal(ErrorCode.RATE_LIMITED, "slow down"));
  }

  @Test
  @DisplayName("with no bridge listening a request fails at once (not after its timeout) as unavailable")
  void noBridgeFailsAtOnce() {
    startClient(60_000);
    Future<BridgeReply.UserList> asked = onLoop(() -> client.ask(members("r")));
    // Await.result gives up after 30 s, half the timeout: only an immediate failure passes
    Throwable err = failure(asked);
    assertThat(err).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) err).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(BridgeClient.refusal(err).code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  @DisplayName("a request the bridge does not answer in time fails as unavailable, and a late answer changes nothing")
  void silentBridgeTimesOut() {
    startClient(100);
    standInBridge();
    Future<BridgeReply.UserList> asked = onLoop(() -> client.ask(members("late")));
    Throwable err = failure(asked);
    assertThat(((ReplyException) err).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
    assertThat(BridgeClient.refusal(err).code()).isEqualTo(ErrorCode.UNAVAILABLE);

    answer(calls.get(0), new BridgeReply.UserList(List.of("too late")), 0, null);
    // the client still works: a later request gets its own answer, not the late one
    Future<BridgeReply.UserList> next = onLoop(() -> client.ask(members("next")));
    Await.until("the second call", Duration.ofSeconds(10), () -> calls.size() == 2);
    answer(calls.get(1), new BridgeReply.UserList(List.of("on time")), 0, null);
    assertThat(Await.result(next).users()).containsExactly("on time");
    assertThat(asked.cause()).isSameAs(err);
  }

  @Test
  @DisplayName("a request from a thread other than the client's event loop goes as a plain request and is answered")
  void otherThreads() {
    startClient(60_000);
    Await.result(onLoop(() -> vertx.eventBus().<Object>localConsumer(Addresses.BRIDGE,
        m -> m.reply(new BridgeReply.UserList(List.of("plain")))).completion()));
    assertThat(Await.result(client.ask(members("r"))).users()).containsExactly("plain");
  }
}
