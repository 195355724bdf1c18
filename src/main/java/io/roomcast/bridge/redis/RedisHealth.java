package io.roomcast.bridge.redis;

import io.roomcast.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis answers, checked every {@code redisPingIntervalMs} (and the room count refreshed on the way): a frozen
 * Redis makes the node not ready. Two checks in a row must fail before Redis counts as silent: one slow answer on a
 * busy machine is not an outage (a dead connection is noticed at once by its end handler anyway). In cluster mode
 * every master is checked ({@link ClusterHealth}); once the cluster fell silent its clients are made anew, seeded with
 * the masters that answer, when it answers again (a cluster client keeps asking a frozen node otherwise).
 */
final class RedisHealth {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBroker.class);   // a part of the broker, logged as it

  /** Where the checks stand. */
  enum State {
    ANSWERING,
    /** The last check failed; one more makes Redis silent. Still counts as answering. */
    ONE_MISSED,
    /** Two checks in a row failed: not ready until one succeeds. */
    SILENT
  }

  /** What the broker does when the cluster falls silent or answers again (cluster mode only). */
  interface Cluster {
    /** The cluster fell silent: the subscription must be made again once it answers. */
    void fellSilent();

    /** The cluster answers again after falling silent: new clients, seeded with these masters. */
    void answersAgain(List<String> masters);
  }

  private final Vertx vertx;
  private final Metrics metrics;
  private final long intervalMs;
  private final Supplier<Future<Integer>> roomCount;
  /** Null for a standalone Redis. */
  private final ClusterHealth cluster;
  private final Cluster onCluster;
  private State state = State.ANSWERING;
  private boolean checking;
  private boolean stopped;
  private long timer = -1;

  /** @param roomCount asks Redis for the room count: the standalone check, and the metric's refresh */
  RedisHealth(Vertx vertx, Metrics metrics, long intervalMs, Supplier<Future<Integer>> roomCount,
      ClusterHealth cluster, Cluster onCluster) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.intervalMs = intervalMs;
    this.roomCount = roomCount;
    this.cluster = cluster;
    this.onCluster = onCluster;
  }

  void start() {
    timer = vertx.setPeriodic(intervalMs, id -> check());
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Whether Redis counts as answering (it did at the last check, or missed only that one). */
  boolean answering() {
    return state != State.SILENT;
  }

  private void check() {
    if (cluster == null) {
      roomCount.get().timeout(intervalMs, TimeUnit.MILLISECONDS).onComplete(ar -> {
        if (ar.succeeded()) {
          metrics.rooms(ar.result());
        }
        answered(ar.succeeded(), ar.cause());
      });
      return;
    }
    if (checking) {
      return;
    }
    checking = true;
    cluster.check().onComplete(ar -> {
      checking = false;
      if (stopped) {
        return;
      }
      if (ar.succeeded() && state == State.SILENT) {
        LOG.info("the cluster answers again; new clients seeded with its masters {}", ar.result());
        onCluster.answersAgain(ar.result());
      }
      if (ar.succeeded()) {
        roomCount.get().onSuccess(metrics::rooms);
      } else if (state == State.ONE_MISSED) {
        onCluster.fellSilent();
      }
      answered(ar.succeeded(), ar.cause());
    });
  }

  /** Takes a check's outcome. */
  private void answered(boolean ok, Throwable cause) {
    State next = ok ? State.ANSWERING : state == State.ANSWERING ? State.ONE_MISSED : State.SILENT;
    if (next == State.SILENT && state != State.SILENT) {
      LOG.warn("Redis does not answer ({}): not ready", cause.getMessage());
    } else if (next == State.ANSWERING && state == State.SILENT) {
      LOG.info("Redis answers again");
    }
    state = next;
  }
}
