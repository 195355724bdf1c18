package io.roomcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The connections of one event loop: connects them, makes them send on schedule (a 1 ms ticker sends every message
 * that is due, stamped with the time it was due, so a late generator shows as latency instead of hiding it), and
 * counts what they receive. Everything runs on this verticle's event loop.
 */
final class Shard extends VerticleBase {
  private static final int CONNECTS_IN_FLIGHT = 32;

  private final BenchOptions options;
  private final List<BenchClient> clients;
  private final String runId;
  private final String padding;
  final Tally tally = new Tally();
  private WebSocketClient wsClient;
  private long periodNanos;
  private long warmupEnd;
  private long end;

  Shard(BenchOptions options, List<BenchClient> clients, String runId) {
    this.options = options;
    this.clients = clients;
    this.runId = runId;
    this.padding = "x".repeat(options.size());
  }

  @Override
  public Future<?> start() {
    wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(Integer.MAX_VALUE)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20).setConnectTimeout(10_000));
    return Future.succeededFuture();
  }

  /** Connects every client and joins it to its room; completes when all are in. */
  Future<Void> connectAll() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      ArrayDeque<BenchClient> todo = new ArrayDeque<>(clients);
      int[] inFlight = {0};
      int[] joined = {0};
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        while (inFlight[0] < CONNECTS_IN_FLIGHT && !todo.isEmpty()) {
          BenchClient c = todo.poll();
          inFlight[0]++;
          connect(c, 0).onComplete(ar -> {
            inFlight[0]--;
            if (ar.succeeded() && ++joined[0] == clients.size()) {
              done.tryComplete();
            } else if (ar.failed()) {
              done.tryFail(ar.cause());
            }
            next[0].run();
          });
        }
      };
      if (clients.isEmpty()) {
        done.complete();
      } else {
        next[0].run();
      }
    });
    return done.future();
  }

  private Future<Void> connect(BenchClient c, int attempt) {
    URI url = options.urlOf(c.index);
    ClientWebSocket ws = wsClient.webSocket();
    Promise<Void> joined = Promise.promise();
    ws.textMessageHandler(text -> onText(c, text, joined));
    ws.closeHandler(v -> {
      if (c.ws == ws) {
        tally.closed++;
      }
    });
    return ws.connect(new WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort())
            .setURI(url.getPath() + "?user=b" + c.index))
        .compose(open -> {
          c.ws = open;
          open.writeTextMessage("{\"type\":\"join\",\"room\":\"" + room(c.room) + "\",\"ref\":\"j\"}");
          return joined.future();
        })
        .recover(err -> {
          boolean refused = err instanceof UpgradeRejectedException;
          if (refused) {
            tally.refused++;
          }
          if (attempt >= 50) {
            return Future.failedFuture(new IllegalStateException("connection " + c.index + " failed: " + err));
          }
          // refused (429, 503) or dropped: retry later, as a real client would
          Promise<Void> retried = Promise.promise();
          vertx.setTimer(100L + ThreadLocalRandom.current().nextLong(100L << Math.min(attempt, 4)),
              t -> connect(c, attempt + 1).onComplete(retried));
          return retried.future();
        });
  }

  String room(int r) {
    return "bench-" + runId + "-" + r;
  }

  /** Starts sending: every client sends from {@code start} at its rate, with a random phase, until {@code end}. */
  void startSending(long start, long warmupEnd, long end) {
    context.runOnContext(v -> {
      this.warmupEnd = warmupEnd;
      this.end = end;
      this.periodNanos = (long) (1e9 / options.rate());
      for (BenchClient c : clients) {
        c.nextSend = start + ThreadLocalRandom.current().nextLong(periodNanos);
      }
      vertx.setPeriodic(1, t -> {
        long now = System.nanoTime();
        if (now >= this.end + periodNanos) {
          vertx.cancelTimer(t);
        }
        for (BenchClient c : clients) {
          while (c.nextSend <= now && c.nextSend < this.end) {
            send(c, c.nextSend);
            c.nextSend += periodNanos;
          }
        }
      });
    });
  }

  private void send(BenchClient c, long due) {
    int seq = c.seq++;
    String head = c.position + ":" + seq + ":" + due + ":";
    String text = head + padding.substring(Math.min(padding.length(), head.length()));
    c.ws.writeTextMessage("{\"type\":\"send\",\"room\":\"" + room(c.room) + "\",\"ref\":\"" + seq + "\",\"text\":\""
        + text + "\"}");
    tally.sent++;
  }

  private void onText(BenchClient c, String frame, Promise<Void> joined) {
    if (frame.startsWith("{\"type\":\"message\"")) {
      int at = frame.indexOf("\"text\":\"");
      if (at < 0) {
        tally.errors++;
        return;
      }
      int p0 = at + 8;
      int p1 = frame.indexOf(':', p0);
      int p2 = frame.indexOf(':', p1 + 1);
      int p3 = frame.indexOf(':', p2 + 1);
      if (p1 < 0 || p2 < 0 || p3 < 0) {
        tally.errors++;
        return;
      }
      int sender = Integer.parseInt(frame, p0, p1, 10);
      int seq = Integer.parseInt(frame, p1 + 1, p2, 10);
      long due = Long.parseLong(frame, p2 + 1, p3, 10);
      c.received(tally, sender, seq);
      if (due >= warmupEnd && due < end) {
        tally.measured++;
        tally.latency.recordValue(Math.max(0, Math.min((System.nanoTime() - due) / 1000, 59_999_999L)));
      }
    } else if (frame.startsWith("{\"type\":\"ok\"")) {
      tally.acked++;
      tally.expected += c.roomSize;
      int ref = frame.indexOf("\"ref\":\"");
      if (ref >= 0) {
        c.acked.set(Integer.parseInt(frame, ref + 7, frame.indexOf('"', ref + 7), 10));
      }
    } else if (frame.startsWith("{\"type\":\"joined\"")) {
      joined.tryComplete();
    } else if (frame.startsWith("{\"type\":\"error\"")) {
      tally.errors++;
      if (frame.contains("\"ref\":\"j\"")) {
        joined.tryFail(frame);
      }
    }
  }

  List<BenchClient> clients() {
    return clients;
  }

  /** A copy of this shard's tally, taken on its event loop. */
  Future<Tally> snapshot() {
    Promise<Tally> p = Promise.promise();
    context.runOnContext(v -> {
      Tally copy = new Tally();
      copy.add(tally);
      p.complete(copy);
    });
    return p.future();
  }
}
