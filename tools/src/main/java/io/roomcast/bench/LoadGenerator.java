package io.roomcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The built-in load generator ({@code java -jar chat-server.jar bench ...}, see {@link BenchOptions#USAGE}). It speaks
 * protocol v1 only, so it measures any server that does: a Roomcast node, a cluster of them, or the bare baseline of
 * {@code bench/baseline}. Many thousands of connections from one process, spread over several event loops.
 */
public final class LoadGenerator {
  private final BenchOptions options;
  private final PrintStream out;

  LoadGenerator(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    BenchResult result = new LoadGenerator(options, System.out).run();
    System.exit(result.lost() == 0 && result.duplicated() == 0 && result.outOfOrder() == 0 ? 0 : 1);
  }

  /** Runs the benchmark and returns its result (also printed, and written to {@code --out}). */
  public BenchResult run() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.threads()).setPreferNativeTransport(true));
    try {
      return measure(vertx);
    } finally {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        out.println("the generator's event loops did not stop within 30 s");
      }
    }
  }

  private BenchResult measure(Vertx vertx) {
    String runId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    int[] roomSizes = new int[options.rooms()];
    for (int i = 0; i < options.conns(); i++) {
      roomSizes[options.roomOf(i)]++;
    }
    int[] positions = new int[options.rooms()];
    List<List<BenchClient>> perShard = new ArrayList<>();
    for (int s = 0; s < options.threads(); s++) {
      perShard.add(new ArrayList<>());
    }
    for (int i = 0; i < options.conns(); i++) {
      int room = options.roomOf(i);
      perShard.get(i % options.threads()).add(new BenchClient(i, room, positions[room]++, roomSizes[room]));
    }
    List<Shard> shards = new ArrayList<>();
    for (List<BenchClient> clients : perShard) {
      Shard shard = new Shard(options, clients, runId);
      vertx.deployVerticle(shard).await();
      shards.add(shard);
    }
    out.printf(Locale.ROOT, "bench %s: %d connections to %s, %d rooms (members on %d of the urls), %.2f messages/s "
            + "each, %d-byte texts%n", options.label(), options.conns(), options.urls(), options.rooms(),
        options.spread(), options.rate(), options.size());
    long connectStart = System.nanoTime();
    awaitAll(shards.stream().map(Shard::connectAll).toList(), 300);
    out.printf(Locale.ROOT, "connected and joined in %.1f s%n", (System.nanoTime() - connectStart) / 1e9);

    long start = System.nanoTime() + 200_000_000L;
    long warmupEnd = start + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
    long end = warmupEnd + TimeUnit.SECONDS.toNanos(options.durationSeconds());
    shards.forEach(s -> s.startSending(start, warmupEnd, end));

    CpuClock cpu = new CpuClock(options.cpuPids());
    CpuClock redisCpu = new CpuClock(options.redisPids());
    double cpuAtStart = 0;
    double redisAtStart = 0;
    boolean measuring = false;
    long lastMeasured = 0;
    for (long tick = start + 1_000_000_000L; tick <= end; tick += 1_000_000_000L) {
      sleepUntil(tick);
      if (!measuring && System.nanoTime() >= warmupEnd) {
        measuring = true;
        cpuAtStart = cpu.seconds();
        redisAtStart = redisCpu.seconds();
      }
      Tally now = sum(shards);
      long second = (tick - start) / 1_000_000_000L;
      out.printf(Locale.ROOT, "t=%3ds %s sent=%d acked=%d delivered=%d (%d/s) p99=%.1fms errors=%d%n", second,
          tick <= warmupEnd ? "warm-up  " : "measuring", now.sent, now.acked, now.received,
          now.measured - lastMeasured, now.latency.getValueAtPercentile(99) / 1000.0, now.errors);
      lastMeasured = now.measured;
    }
    if (!measuring) {
      cpuAtStart = cpu.seconds();
      redisAtStart = redisCpu.seconds();
    }
    sleepUntil(end);
    double cpuSeconds = cpu.seconds() - cpuAtStart;
    double redisSeconds = options.redisPids().isEmpty() ? Double.NaN : redisCpu.seconds() - redisAtStart;

    // the messages sent just before the end are still on their way: wait for them, up to the drain time
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.drainSeconds());
    Tally total = sum(shards);
    while (System.nanoTime() < drainDeadline && total.received - total.duplicated < total.expected) {
      sleepUntil(System.nanoTime() + 50_000_000L);
      total = sum(shards);
    }
    BenchResult result = BenchResult.of(options, total, cpuSeconds, !options.cpuPids().isEmpty(), redisSeconds);
    if (result.lost() > 0) {
      describeLosses(shards);
    }
    out.print(result.table());
    if (options.out() != null) {
      try {
        Files.writeString(options.out(), result.toJson().encodePrettily() + "\n");
      } catch (IOException e) {
        out.println("could not write " + options.out() + ": " + e);
      }
    }
    return result;
  }

  /** Names the first deliveries that never came: who sent what to whom, through which URLs. */
  private void describeLosses(List<Shard> shards) {
    List<BenchClient> all = new ArrayList<>();
    shards.forEach(s -> all.addAll(s.clients()));
    all.sort(java.util.Comparator.comparingInt(c -> c.index));
    Map<Integer, List<BenchClient>> byRoom = new java.util.HashMap<>();
    all.forEach(c -> byRoom.computeIfAbsent(c.room, r -> new ArrayList<>()).add(c));
    int shown = 0;
    for (BenchClient receiver : all) {
      for (BenchClient sender : byRoom.get(receiver.room)) {
        for (int seq = sender.acked.nextSetBit(0); seq >= 0; seq = sender.acked.nextSetBit(seq + 1)) {
          if (!receiver.hasReceived(sender.position, seq) && shown++ < 20) {
            out.printf(Locale.ROOT, "lost: message %d of b%d (via %s) never reached b%d (via %s)%n", seq, sender.index,
                options.urlOf(sender.index), receiver.index, options.urlOf(receiver.index));
          }
        }
      }
    }
  }

  private static Tally sum(List<Shard> shards) {
    Tally total = new Tally();
    for (Tally t : awaitAll(shards.stream().map(Shard::snapshot).toList(), 30)) {
      total.add(t);
    }
    return total;
  }

  private static <T> List<T> awaitAll(List<Future<T>> futures, int seconds) {
    try {
      Future.all(futures).await(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the generator could not set up its connections: " + e.getMessage(), e);
    }
    return futures.stream().map(Future::result).toList();
  }

  private static void sleepUntil(long nanoTime) {
    for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
    }
  }

  /** CPU time used by other processes, read from /proc (Linux): utime + stime, in seconds. */
  static final class CpuClock {
    private static final double TICKS_PER_SECOND = 100.0;   // USER_HZ on Linux
    private final List<Long> pids;

    CpuClock(List<Long> pids) {
      this.pids = pids;
    }

    double seconds() {
      double total = 0;
      for (long pid : pids) {
        try {
          String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
          throw new IllegalStateException("cannot read the CPU time of process " + pid + ": " + e.getMessage());
        }
      }
      return total;
    }
  }

  /** For tests: the result as JSON. */
  static JsonObject json(BenchResult r) {
    return r.toJson();
  }
}
