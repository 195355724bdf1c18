package io.roomcast.it;

import io.roomcast.support.BrokerNode;
import io.roomcast.support.RedisServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The broker contract on two nodes sharing one standalone {@code redis-server}, in a {@link #mode}. */
abstract class StandaloneBrokerContract extends RedisBrokerContract {
  private RedisServer redis;
  private BrokerNode a;
  private BrokerNode b;

  /** {@code pattern} or {@code rooms}. */
  protected abstract String mode();

  @BeforeAll
  void start() {
    redis = RedisServer.startProcess();
    Map<String, String> env = new HashMap<>(SETTINGS);
    env.put("REDIS_URL", redis.url());
    env.put("CHAT_REDIS_MODE", mode());
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
    redis.close();
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
    redis.cli("CLIENT", "KILL", "TYPE", "pubsub");
  }

  @Override
  protected void loseData() {
    redis.kill();
    redis.restart();
  }
}
