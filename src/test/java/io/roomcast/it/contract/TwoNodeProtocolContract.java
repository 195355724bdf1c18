package io.roomcast.it.contract;

import io.roomcast.support.RedisServer;
import io.roomcast.support.TestNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The protocol contract against two nodes sharing Redis in a mode: the clients of a test alternate between the
 * nodes, so every exchange in the table crosses nodes. Subclasses: {@code PatternProtocolIT},
 * {@code RoomsProtocolIT}, {@code ShardedProtocolIT}.
 */
abstract class TwoNodeProtocolContract extends ProtocolContract {
  private TestNode a;
  private TestNode b;
  private RedisServer redis;

  /** {@code pattern}, {@code rooms} or {@code cluster}. */
  protected abstract String mode();

  /** Starts the Redis of the mode (here one standalone server; a cluster overrides); its URL. */
  protected String startRedis() {
    redis = RedisServer.start(true);
    return redis.url();
  }

  protected void stopRedis() {
    redis.close();
  }

  @BeforeAll
  void startCluster() {
    String url = startRedis();
    a = TestNode.start(Map.of("REDIS_URL", url, "CHAT_REDIS_MODE", mode()));
    b = TestNode.start(Map.of("REDIS_URL", url, "CHAT_REDIS_MODE", mode()));
    TestNode.awaitReady(a, b);
  }

  @AfterAll
  void stopCluster() {
    a.close();
    b.close();
    stopRedis();
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
