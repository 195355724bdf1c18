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
 * Whether every master of a Redis Cluster answers, and which masters there are. A dead master closes its sockets,
 * but a frozen one (a stopped process, a partition) says nothing, and the Vert.x cluster client waits on it: it even
 * waits forever when the frozen node is the first it asks for the slot map. So this checks over standalone
 * connections of its own, each command with a timeout: it asks the known nodes in turn for {@code CLUSTER SLOTS}
 * (those that answered last first) and PINGs every master. The masters it finds are the seeds of fresh cluster
 * clients after an outage.
 */
final class ClusterHealth {
  private final Vertx vertx;
  private final String scheme;
  private final String userInfo;
  private final long timeoutMs;
  private final Map<String, Redis> clients = new HashMap<>();
  /** host:port of the nodes to ask, in order of preference. */
  private List<String> known;

  ClusterHealth(Vertx vertx, List<String> seedUrls, long timeoutMs) {
    this.vertx = vertx;
    URI first = URI.create(seedUrls.get(0));
    this.scheme = first.getScheme();
    this.userInfo = first.getRawUserInfo() == null ? "" : first.getRawUserInfo() + "@";
    this.timeoutMs = timeoutMs;
    List<String> seeds = new ArrayList<>();
    for (String url : seedUrls) {
      URI u = URI.create(url);
      seeds.add(u.getHost() + ":" + u.getPort());
    }
    this.known = seeds;
  }

  /** Succeeds with the masters' URLs when the cluster lists its slots and every master answers a PING in time. */
  Future<List<String>> check() {
    return slots(0).compose(slots -> {
      Set<String> masters = new LinkedHashSet<>();
      Set<String> all = new LinkedHashSet<>();
      for (Response range : slots) {
        for (int i = 2; i < range.size(); i++) {
          String address = range.get(i).get(0).toString() + ":" + range.get(i).get(1).toInteger();
          all.add(address);
          if (i == 2) {
            masters.add(address);
          }
        }
      }
      List<Future<Response>> pings = new ArrayList<>();
      for (String address : masters) {
        pings.add(client(address).send(Request.cmd(Command.PING)).timeout(timeoutMs, TimeUnit.MILLISECONDS)
            .recover(e -> Future.failedFuture("master " + address + " does not answer (" + e.getMessage() + ")")));
      }
      // ask the masters first next time, then their replicas, then whatever else was known
      Set<String> next = new LinkedHashSet<>(masters);
      next.addAll(all);
      next.addAll(known);
      known = new ArrayList<>(next);
      return Future.all(pings).map(v -> masters.stream().map(this::url).toList());
    });
  }

  private Future<Response> slots(int index) {
    if (index >= known.size()) {
      return Future.failedFuture("no cluster node answers CLUSTER SLOTS");
    }
    String address = known.get(index);
    return client(address).send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .compose(r -> r == null || r.size() == 0 ? Future.failedFuture("no slots") : Future.succeededFuture(r))
        .recover(e -> slots(index + 1));
  }

  private String url(String address) {
    return scheme + "://" + userInfo + address;
  }

  private Redis client(String address) {
    return clients.computeIfAbsent(address, a -> Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(url(a)).setMaxPoolSize(1).setMaxPoolWaiting(8)));
  }

  void close() {
    clients.values().forEach(Redis::close);
    clients.clear();
  }
}
