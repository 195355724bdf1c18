package io.roomcast.it;

import io.roomcast.support.RedisServer;

/** The broker contract on two nodes sharing one standalone {@code redis-server}, in a {@link #mode}. */
abstract class StandaloneBrokerContract extends RedisBrokerContract {
  private RedisServer redis;

  @Override
  protected String startStore() {
    redis = RedisServer.startProcess();
    return redis.url();
  }

  @Override
  protected void stopStore() {
    redis.close();
  }

  @Override
  protected void killSubscribers() {
    redis.cli("CLIENT", "KILL", "TYPE", "pubsub");
  }

  @Override
  protected void loseData() {
    redis.kill();
    redis.restart();
  }
}
