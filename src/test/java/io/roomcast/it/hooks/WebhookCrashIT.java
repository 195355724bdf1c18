package io.roomcast.it.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.Await;
import io.roomcast.support.HookBackend;
import io.roomcast.support.JarNode;
import io.roomcast.support.NodeTest;
import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivering node is SIGKILLed while the backend holds one of its deliveries: the other node takes the lease over
 * and delivers that event again, with the same webhook-id, and then the rest, in order.
 */
class WebhookCrashIT extends NodeTest {
  @TempDir Path dir;
  private final HookBackend backend = HookBackend.start();
  private RedisServer redis;
  private final List<JarNode> nodes = new ArrayList<>();

  @AfterEach
  void stopAll() {
    nodes.forEach(JarNode::close);
    backend.close();
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  @DisplayName("a SIGKILL mid-delivery: the event is delivered again by the other node, same id, nothing lost")
  void killedMidDelivery() {
    JarNode[] pair = twoNodes("2000");
    JarNode holder = pair[0];
    JarNode other = pair[1];

    backend.hold(WebhooksIT.PATH);
    List<String> sent = new ArrayList<>();
    try (WsClient ann = WsClient.connect(client, other.port(), "ann")) {
      ann.join("lobby");
      sent.add(ann.say("lobby", "in flight"));
      Await.until("the holder is delivering it", Duration.ofSeconds(10),
          () -> backend.calls(WebhooksIT.PATH).size() == 1);
      String inFlight = backend.calls(WebhooksIT.PATH).get(0).id();
      sent.add(ann.say("lobby", "queued behind it"));

      holder.kill();
      backend.release(WebhooksIT.PATH);
      Await.until("the other node delivers both", Duration.ofSeconds(30),
          () -> backend.acknowledged(WebhooksIT.PATH).stream()
              .map(c -> c.body().getJsonObject("data").getString("id")).distinct().count() == 2);
      assertThat(delivering(other)).isEqualTo(1);
      List<HookBackend.Call> acked = backend.acknowledged(WebhooksIT.PATH);
      assertThat(acked.stream().filter(c -> c.id().equals(inFlight))).as("the in-flight event, same id, again")
          .isNotEmpty();
      List<String> order = new ArrayList<>();
      for (HookBackend.Call c : acked) {
        String id = c.body().getJsonObject("data").getString("id");
        if (!order.contains(id)) {
          order.add(id);
        }
      }
      assertThat(order).containsExactlyElementsOf(sent);
      assertThat(acked).allMatch(HookBackend.Call::signed);
    }
  }

  @Test
  @DisplayName("a rolling restart: the delivering node gets SIGTERM and hands over, events go on in order")
  void rollingRestart() {
    JarNode[] pair = twoNodes("600000");
    JarNode holder = pair[0];
    JarNode other = pair[1];
    List<String> sent = new ArrayList<>();
    try (WsClient ann = WsClient.connect(client, other.port(), "ann")) {
      ann.join("lobby");
      sent.add(ann.say("lobby", "before"));
      Await.until("delivered by the holder", Duration.ofSeconds(10),
          () -> backend.acknowledged(WebhooksIT.PATH).size() == 1);
      holder.terminate();
      holder.awaitExit(Duration.ofSeconds(30));
      // the lease lasts ten minutes: only a holder that gives it up lets the other node deliver within this test
      sent.add(ann.say("lobby", "after"));
      Await.until("the other node took over", Duration.ofSeconds(20), () -> delivering(other) == 1
          && backend.acknowledged(WebhooksIT.PATH).size() == 2);
      assertThat(backend.acknowledged(WebhooksIT.PATH).stream()
          .map(c -> c.body().getJsonObject("data").getString("id")).toList()).containsExactlyElementsOf(sent);
    }
  }

  /** Redis and two nodes delivering to the backend with {@code leaseMs}; returns {holder, other} once one holds it. */
  private JarNode[] twoNodes(String leaseMs) {
    redis = RedisServer.startProcess();
    Map<String, String> env = Map.of("REDIS_URL", redis.url(), "CHAT_WEBHOOK_URL", backend.url(WebhooksIT.PATH),
        "CHAT_WEBHOOK_SECRET", HookBackend.SECRET, "CHAT_WEBHOOK_EVENTS", "message.created",
        "CHAT_WEBHOOK_POLL_MS", "50", "CHAT_WEBHOOK_LEASE_MS", leaseMs, "CHAT_WEBHOOK_RETRY_MIN_MS", "50",
        "CHAT_DRAIN_SECONDS", "0", "CHAT_LOG_LEVEL", "WARN");
    JarNode a = JarNode.start(dir.resolve("a"), env);
    nodes.add(a);
    JarNode b = JarNode.start(dir.resolve("b"), env);
    nodes.add(b);
    Await.until("one node holds the lease", Duration.ofSeconds(10), () -> delivering(a) + delivering(b) == 1);
    return delivering(a) == 1 ? new JarNode[] {a, b} : new JarNode[] {b, a};
  }

  private static double delivering(JarNode n) {
    return n.process().isAlive() ? TestNode.metric(n.port(), "roomcast_webhooks_delivering") : 0;
  }
}
