package io.roomcast.it;

import io.roomcast.support.BrokerNode;
import io.roomcast.support.RedisCluster;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The broker contract in cluster mode: two nodes on a local Redis Cluster of three masters, sharded pub/sub. */
class ClusterBrokerIT extends RedisBrokerContract {
  private RedisCluster cluster;
  private BrokerNode a;
  private BrokerNode b;

  @BeforeAll
  void start() {
    cluster = RedisCluster.start(3, 0);
    Map<String, String> env = new HashMap<>(SETTINGS);
    env.put("REDIS_URL", cluster.urls());
    env.put("CHAT_REDIS_MODE", "cluster");
    env.put("CHAT_REDIS_RECONNECT_MIN_MS", "50");
    env.put("CHAT_REDIS_RECONNECT_MAX_MS", "500");
    a = BrokerNode.start(env);
    b = BrokerNode.start(env);
    a.awaitReady();
    b.awaitReady();
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
    cluster.close();
  }

  @Override
  protected BrokerNode a() {
    return a;
  }

  @Override
  protected BrokerNode b() {
    return b;
  }

  @Override
  protected void killSubscribers() {
    for (RedisCluster.Node n : cluster.masters()) {
      n.cli("CLIENT", "KILL", "TYPE", "pubsub");
    }
  }

  /** Every master restarted without persistence (same identities and slots, no data). */
  @Override
  protected void loseData() {
    for (RedisCluster.Node n : cluster.masters()) {
      n.kill();
      n.restart();
    }
    cluster.awaitHealthy();
  }
}
