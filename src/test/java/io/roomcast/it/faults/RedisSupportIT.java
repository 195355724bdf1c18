package io.roomcast.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.roomcast.support.Await;
import io.roomcast.support.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The test support's Redis is a real server: it answers, stores, and can be killed and restarted. */
class RedisSupportIT {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("a started Redis answers PING and stores what it is given")
  void answers() {
    try (RedisServer redis = RedisServer.start(true)) {
      Redis client = Redis.createClient(vertx, redis.url());
      assertThat(Await.result(client.send(Request.cmd(Command.PING))).toString()).isEqualTo("PONG");
      Await.result(client.send(Request.cmd(Command.SET).arg("k").arg("v")));
      assertThat(Await.result(client.send(Request.cmd(Command.GET).arg("k"))).toString()).isEqualTo("v");
    }
  }

  @Test
  @DisplayName("a local redis-server can be killed and restarted on the same port, empty")
  void killAndRestart() {
    try (RedisServer redis = RedisServer.startProcess()) {
      Redis client = Redis.createClient(vertx, redis.url());
      Await.result(client.send(Request.cmd(Command.SET).arg("k").arg("v")));
      redis.kill();
      Throwable down = catchThrowable(() -> Await.result(client.send(Request.cmd(Command.PING)), Duration.ofSeconds(5)));
      assertThat(down).isNotNull();
      redis.restart();
      Await.until("Redis answers again", Duration.ofSeconds(10), () -> {
        try {
          return "PONG".equals(Await.result(client.send(Request.cmd(Command.PING)), Duration.ofSeconds(2)).toString());
        } catch (Throwable t) {
          return false;
        }
      });
      assertThat(Await.result(client.send(Request.cmd(Command.GET).arg("k")))).isNull();
    }
  }
}
