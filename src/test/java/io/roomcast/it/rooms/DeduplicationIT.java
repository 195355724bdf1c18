package io.roomcast.it.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.bus.BridgeCall;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.support.Await;
import io.roomcast.support.NodeTest;
import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-connection de-duplication, made to happen every time: a resuming join is held on its way to the bridge
 * (an event-bus interceptor) while messages are published, so they reach the joining connection twice: live, into
 * the events it holds back while joining, and in the replay the bridge then computes. Each must be written once.
 */
class DeduplicationIT extends NodeTest {
  private RedisServer redis;
  private TestNode other;

  @AfterEach
  void stopOthers() {
    if (other != null) {
      other.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  /** Holds the first join of {@code user} until released, on the event loop that sent it. */
  private static final class HeldJoin implements Handler<DeliveryContext<Object>> {
    private final String user;
    final AtomicReference<Runnable> release = new AtomicReference<>();

    HeldJoin(String user) {
      this.user = user;
    }

    @Override
    public void handle(DeliveryContext<Object> dc) {
      Object body = dc.body() instanceof BridgeCall call ? call.request() : dc.body();
      if (release.get() == null && body instanceof BridgeRequest.Join j && j.user().equals(user)) {
        Context sender = Vertx.currentContext();
        // queued on the sender's context: it runs after the room events already queued there
        release.set(() -> sender.runOnContext(v -> dc.next()));
        return;
      }
      dc.next();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"memory", "redis"})
  @DisplayName("messages that reach a resuming connection both live and in its replay are written once, in order")
  void overlapIsWrittenOnce(String broker) {
    TestNode readerNode;
    if (broker.equals("redis")) {
      redis = RedisServer.startProcess();
      node = TestNode.start(Map.of("REDIS_URL", redis.url()));
      other = TestNode.start(Map.of("REDIS_URL", redis.url()));
      TestNode.awaitReady(node, other);
      readerNode = other;
    } else {
      node = TestNode.start();
      readerNode = node;
    }
    try (WsClient writer = WsClient.connect(client, node.port(), "writer");
        WsClient witness = WsClient.connect(client, readerNode.port(), "witness");
        WsClient reader = WsClient.connect(client, readerNode.port(), "reader")) {
      writer.join("dedup");
      witness.join("dedup");
      List<String> acked = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        acked.add(writer.say("dedup", "before " + i));
      }
      for (int i = 0; i < 3; i++) {
        witness.event("message");
      }
      HeldJoin held = new HeldJoin("reader");
      readerNode.vertx().eventBus().addOutboundInterceptor(held);
      reader.send(new JsonObject().put("type", "join").put("room", "dedup").put("since", acked.get(0)).put("ref", "j"));
      Await.until("the join to be held", Duration.ofSeconds(5), () -> held.release.get() != null);

      for (int i = 0; i < 5; i++) {
        acked.add(writer.say("dedup", "while joining " + i));
      }
      for (int i = 0; i < 5; i++) {
        // the reader's node has handed these to its gateways: they wait in the reader's held-back events
        witness.event("message");
      }
      held.release.get().run();

      assertThat(reader.take(f -> "j".equals(f.getString("ref"))).getBoolean("recovered")).isTrue();
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < acked.size() - 1; i++) {
        seen.add(reader.event("message").getString("id"));
      }
      assertThat(seen).containsExactlyElementsOf(acked.subList(1, acked.size()));
      assertThat(reader.drain("dedup")).as("nothing twice").noneMatch(f -> "message".equals(f.getString("type")));
    }
  }
}
