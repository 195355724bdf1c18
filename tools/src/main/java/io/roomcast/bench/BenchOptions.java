package io.roomcast.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator's command line: {@code bench --url ws://h:p/ws[,ws://...] --conns N --rooms R --rate MSGS
 * --duration S [--warmup S] [--size BYTES] [--out result.json] [--threads T] [--cpu-pids PID,...]
 * [--redis-pids PID,...] [--spread K] [--label TEXT]}.
 *
 * @param rate messages per client per second
 * @param cpuPids processes whose CPU time is measured over the run (the servers, and Redis unless given apart)
 * @param redisPids Redis processes whose CPU time is measured and reported apart from the servers'
 * @param spread on how many of the URLs each room has members (all of them by default)
 */
record BenchOptions(List<URI> urls, int conns, int rooms, double rate, int durationSeconds, int warmupSeconds,
    int size, Path out, int threads, List<Long> cpuPids, List<Long> redisPids, int spread, String label,
    int drainSeconds) {

  static final String USAGE = """
      usage: java -jar chat-server.jar bench --url ws://HOST:PORT/ws[,ws://...] --conns N --rooms R
                 --rate MSGS_PER_CLIENT_PER_SEC --duration SECONDS [--warmup SECONDS] [--size BYTES]
                 [--out result.json] [--threads EVENT_LOOPS] [--cpu-pids PID,...] [--redis-pids PID,...]
                 [--spread K] [--label TEXT]
        Opens N connections spread over the URLs so that each of the R rooms has members on every URL (or on K of
        them with --spread: room r on URLs r, r+1, ..., r+K-1, modulo the number of URLs), and makes
        every connection send RATE messages a second on a fixed schedule (open loop) for the warm-up and then the
        measured duration. Reports deliveries per second, latency from send to delivery (p50..max), lost,
        duplicated and out-of-order deliveries, errors and refused connections; with --cpu-pids also the CPU
        seconds those processes used while measuring, and deliveries per CPU-second; with --redis-pids the same for
        Redis, apart.""";

  static BenchOptions parse(String[] args) {
    List<URI> urls = new ArrayList<>();
    int conns = 0;
    int rooms = 0;
    double rate = 0;
    int duration = 0;
    int warmup = 5;
    int size = 100;
    Path out = null;
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    List<Long> pids = new ArrayList<>();
    List<Long> redisPids = new ArrayList<>();
    int spread = 0;
    String label = "";
    int drain = 5;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--url" -> {
          for (String u : v.split(",")) {
            URI uri = URI.create(u.trim());
            if (!"ws".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
              throw new IllegalArgumentException("--url takes ws://HOST:PORT/PATH, got " + u);
            }
            urls.add(uri);
          }
        }
        case "--conns" -> conns = positive(a, v);
        case "--rooms" -> rooms = positive(a, v);
        case "--rate" -> rate = Double.parseDouble(v);
        case "--duration" -> duration = positive(a, v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--size" -> size = positive(a, v);
        case "--out" -> out = Path.of(v);
        case "--threads" -> threads = positive(a, v);
        case "--cpu-pids" -> pids.addAll(pids(v));
        case "--redis-pids" -> redisPids.addAll(pids(v));
        case "--spread" -> spread = positive(a, v);
        case "--label" -> label = v;
        case "--drain" -> drain = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (urls.isEmpty() || conns == 0 || rooms == 0 || rate <= 0 || duration == 0) {
      throw new IllegalArgumentException("--url, --conns, --rooms, --rate and --duration are required");
    }
    if (spread == 0 || spread > urls.size()) {
      spread = urls.size();
    }
    if (conns < rooms * spread) {
      throw new IllegalArgumentException("--conns must be at least rooms x urls (x spread), so every room has members "
          + "on each of its urls");
    }
    if (size < 48) {
      throw new IllegalArgumentException("--size must be at least 48 bytes (the message carries its send time)");
    }
    return new BenchOptions(List.copyOf(urls), conns, rooms, rate, duration, Math.max(0, warmup), size, out, threads,
        List.copyOf(pids), List.copyOf(redisPids), spread, label, Math.max(1, drain));
  }

  private static List<Long> pids(String list) {
    List<Long> out = new ArrayList<>();
    for (String p : list.split(",")) {
      if (!p.isBlank()) {
        out.add(Long.parseLong(p.trim()));
      }
    }
    return out;
  }

  private static int positive(String name, String value) {
    int n = Integer.parseInt(value);
    if (n <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return n;
  }

  /** The room of connection {@code i}: rooms take connections in turn, so all rooms have (nearly) equal size. */
  int roomOf(int i) {
    return i % rooms;
  }

  /**
   * The URL of connection {@code i}: each round of R connections goes to the next URL, so rooms span every URL; with a
   * spread of K, room r's connections go round URLs r to r+K-1 only.
   */
  URI urlOf(int i) {
    if (spread >= urls.size()) {
      return urls.get((i / rooms) % urls.size());
    }
    return urls.get((roomOf(i) + (i / rooms) % spread) % urls.size());
  }
}
