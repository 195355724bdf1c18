package io.roomcast.it.contract;

import io.roomcast.support.RedisCluster;

/** The protocol contract on two nodes sharing a local Redis Cluster of three masters (cluster mode). */
class ShardedProtocolIT extends TwoNodeProtocolContract {
  private RedisCluster cluster;

  @Override
  protected String mode() {
    return "cluster";
  }

  @Override
  protected String startRedis() {
    cluster = RedisCluster.start(3, 0);
    return cluster.urls();
  }

  @Override
  protected void stopRedis() {
    cluster.close();
  }
}
