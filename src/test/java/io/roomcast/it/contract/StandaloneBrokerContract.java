package io.roomcast.it.contract;

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

  @Override
  protected void publishOnRoom(String room, String payload) {
    redis.cli("PUBLISH", "chat:room:" + room + ":msg", payload);
  }

  @Override
  protected long redisTimeMs(String room) {
    return timeMs(redis.cli("TIME"));
  }

  /** Redis' TIME answer (seconds, then microseconds, a line each) in epoch ms. */
  static long timeMs(String time) {
    String[] lines = time.trim().split("\\s+");
    return Long.parseLong(lines[0]) * 1000 + Long.parseLong(lines[1]) / 1000;
  }
}
