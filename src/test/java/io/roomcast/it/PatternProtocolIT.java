package io.roomcast.it;

import io.roomcast.support.RedisServer;

/** The protocol contract on two nodes sharing one Redis in pattern mode. */
class PatternProtocolIT extends TwoNodeProtocolContract {
  private RedisServer redis;

  @Override
  protected String mode() {
    return "pattern";
  }

  @Override
  protected String startRedis() {
    redis = RedisServer.start(true);
    return redis.url();
  }

  @Override
  protected void stopRedis() {
    redis.close();
  }
}
