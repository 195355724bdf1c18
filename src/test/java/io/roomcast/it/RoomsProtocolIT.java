package io.roomcast.it;

import io.roomcast.support.RedisServer;

/** The protocol contract on two nodes sharing one Redis in rooms mode. */
class RoomsProtocolIT extends TwoNodeProtocolContract {
  private RedisServer redis;

  @Override
  protected String mode() {
    return "rooms";
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
