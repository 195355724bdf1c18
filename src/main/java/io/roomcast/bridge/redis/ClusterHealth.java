package io.roomcast.bridge.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Whether every master of a Redis Cluster answers. A dead master closes its sockets, but a frozen one (a stopped
 * process, a partition) says nothing, and the cluster client would wait on it: so each check asks the cluster for its
 * masters ({@code CLUSTER SLOTS}) and PINGs each over a connection of its own, with a timeout.
 */
final class ClusterHealth {
  private final Vertx vertx;
  private final Redis cluster;
  private final String seedUrl;
  private final long timeoutMs;
  private final Map<String, Redis> masters = new HashMap<>();

  ClusterHealth(Vertx vertx, Redis cluster, String seedUrl, long timeoutMs) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.seedUrl = seedUrl;
    this.timeoutMs = timeoutMs;
  }

  /** Succeeds when the cluster lists its masters and each answers a PING in time. */
  Future<Void> check() {
    return cluster.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .compose(slots -> {
          Set<String> now = new LinkedHashSet<>();
          for (Response range : slots) {
            Response master = range.get(2);
            now.add(master.get(0).toString() + ":" + master.get(1).toInteger());
          }
          masters.keySet().removeIf(address -> {
            if (!now.contains(address)) {
              masters.get(address).close();
              return true;
            }
            return false;
          });
          List<Future<Response>> pings = new ArrayList<>();
          for (String address : now) {
            Redis master = masters.computeIfAbsent(address, this::client);
            pings.add(master.send(Request.cmd(Command.PING)).timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .recover(e -> Future.failedFuture("master " + address + " does not answer: " + e.getMessage())));
          }
          return Future.all(pings).mapEmpty();
        });
  }

  /** A standalone client for the master at {@code address}, with the seed URL's credentials and scheme. */
  private Redis client(String address) {
    URI seed = URI.create(seedUrl);
    String userInfo = seed.getRawUserInfo() == null ? "" : seed.getRawUserInfo() + "@";
    return Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(seed.getScheme() + "://" + userInfo + address)
        .setMaxPoolSize(1).setMaxPoolWaiting(16));
  }

  void close() {
    masters.values().forEach(Redis::close);
    masters.clear();
  }
}
