package io.roomcast.it;

import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same protocol contract against a two-node cluster sharing one real Redis: the clients of a test alternate
 * between the nodes, so every exchange in the table crosses nodes.
 */
class ClusterProtocolIT extends ProtocolContract {
  private RedisServer redis;
  private TestNode a;
  private TestNode b;

  @BeforeAll
  void startCluster() {
    redis = RedisServer.start(true);
    a = TestNode.start(Map.of("REDIS_URL", redis.url()));
    b = TestNode.start(Map.of("REDIS_URL", redis.url()));
    TestNode.awaitReady(a, b);
  }

  @AfterAll
  void stopCluster() {
    a.close();
    b.close();
    redis.close();
  }

  private TestNode nodeOf(int clientIndex) {
    return clientIndex % 2 == 0 ? a : b;
  }

  @Override
  protected int portFor(int clientIndex) {
    return nodeOf(clientIndex).port();
  }

  @Override
  protected String nodeFor(int clientIndex) {
    return nodeOf(clientIndex).node().config().nodeId();
  }
}
