package io.roomcast.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.roomcast.support.NodeTest;
import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import io.roomcast.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code redisWaitReplicas}: a send is acknowledged only once that many replicas hold the message, so a master that
 * dies cannot take an acknowledged message with it. A master with one replica (a real {@code redis-server} pair);
 * the replica is frozen to make replication stall on demand.
 */
class ReplicatedWritesIT extends NodeTest {
  private static final String STREAM = "chat:room:deck:stream";
  private RedisServer master;
  private RedisServer replica;

  @BeforeEach
  void startRedis() {
    master = RedisServer.startProcess();
    replica = RedisServer.startReplicaOf(master);
  }

  @AfterEach
  void stopRedis() {
    if (replica != null) {
      replica.thaw();
      replica.close();
    }
    if (master != null) {
      master.close();
    }
  }

  private void startNode(int waitReplicas) {
    Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", master.url()));
    if (waitReplicas > 0) {
      env.put("CHAT_REDIS_WAIT_REPLICAS", String.valueOf(waitReplicas));
      env.put("CHAT_REDIS_WAIT_TIMEOUT_MS", "1500");
    }
    node = TestNode.start(env);
    TestNode.awaitReady(node);
  }

  private static JsonObject send(WsClient c, String text, String key) {
    return c.request(new JsonObject().put("type", "send").put("room", "deck").put("text", text).put("key", key));
  }

  private List<String> storedOn(RedisServer redis, String id) {
    return List.of(redis.cli("XRANGE", STREAM, id, id).trim().split("\n"));
  }

  @Test
  @DisplayName("with redisWaitReplicas=1 the replica holds a message when its sender is told it was stored, "
      + "also when the script had to be loaded again (EVAL after NOSCRIPT)")
  void acknowledgedOnceReplicated() {
    startNode(1);
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      ann.join("deck");
      String first = ann.say("deck", "one");
      assertThat(storedOn(replica, first)).as("on the replica at acknowledgement").contains(first);
      master.cli("SCRIPT", "FLUSH");
      String second = ann.say("deck", "two");
      assertThat(storedOn(replica, second)).as("on the replica at acknowledgement").contains(second);
    }
  }

  @Test
  @DisplayName("replication stalled: the send is answered unavailable after redisWaitTimeoutMs; once the replica is "
      + "back, the retry with the same key gets the same id and the message is stored once")
  void unreplicatedIsNotAcknowledged() {
    startNode(1);
    try (WsClient ann = WsClient.connect(client, node.port(), "ann");
         WsClient bob = WsClient.connect(client, node.port(), "bob")) {
      ann.join("deck");
      bob.join("deck");
      replica.freeze();
      JsonObject refused = send(ann, "held", "k1");
      assertThat(refused.getString("type")).as("reply %s", refused).isEqualTo("error");
      assertThat(refused.getString("code")).isEqualTo("unavailable");
      replica.thaw();
      JsonObject retried = send(ann, "held", "k1");
      assertThat(retried.getString("type")).as("reply %s", retried).isEqualTo("ok");
      String id = retried.getString("id");
      assertThat(storedOn(replica, id)).contains(id);
      List<String> texts = bob.expect("history", new JsonObject().put("type", "history").put("room", "deck"))
          .getJsonArray("messages").stream().map(o -> ((JsonObject) o).getString("text")).toList();
      assertThat(texts).containsExactly("held");
    }
  }

  @Test
  @DisplayName("by default (redisWaitReplicas=0) a send is acknowledged once the master has it, replica or not")
  void masterOnlyByDefault() {
    startNode(0);
    try (WsClient ann = WsClient.connect(client, node.port(), "ann")) {
      ann.join("deck");
      replica.freeze();
      JsonObject reply = send(ann, "fast", "k1");
      assertThat(reply.getString("type")).as("reply %s", reply).isEqualTo("ok");
    }
  }
}
