package io.roomcast.it.contract;

import io.roomcast.support.RedisCluster;

/** The broker contract in cluster mode: two nodes on a local Redis Cluster of three masters, sharded pub/sub. */
class ClusterBrokerIT extends RedisBrokerContract {
  private RedisCluster cluster;

  @Override
  protected String mode() {
    return "cluster";
  }

  @Override
  protected String startStore() {
    cluster = RedisCluster.start(3, 0);
    return cluster.urls();
  }

  @Override
  protected void stopStore() {
    cluster.close();
  }

  @Override
  protected void killSubscribers() {
    for (RedisCluster.Node n : cluster.masters()) {
      n.cli("CLIENT", "KILL", "TYPE", "pubsub");
    }
  }

  @Override
  protected void publishOnRoom(String room, String payload) {
    String channel = "chat:room:{" + room + "}:msg";
    cluster.masterOf(cluster.slotOf(channel)).cli("SPUBLISH", channel, payload);
  }

  @Override
  protected long redisTimeMs(String room) {
    return StandaloneBrokerContract.timeMs(cluster.masterOf(cluster.slotOf("chat:room:{" + room + "}:msg")).cli("TIME"));
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
