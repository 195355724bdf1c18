package io.roomcast.bridge.redis;

import io.roomcast.webhooks.WebhookEvent;
import io.roomcast.webhooks.WebhookStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The webhook queues in Redis (docs/hooks.md, "Durability"): each room's events in a stream in the room's slot
 * ({@code {p}:room:{room}:webhooks}), written by the same script as what they tell of; a set of rooms that may have
 * events, the delivery lease and the dead events in the global slot. An event leaves its queue only after a 2xx.
 */
final class RedisWebhookStore implements WebhookStore {
  private final Supplier<Redis> redis;
  private final RedisKeys keys;
  private final String node;

  RedisWebhookStore(Supplier<Redis> redis, RedisKeys keys, String node) {
    this.redis = redis;
    this.keys = keys;
    this.node = node;
  }

  private Future<Response> send(Request r) {
    return redis.get().send(r);
  }

  @Override
  public Future<Boolean> lease(long ttlMs) {
    return Script.LEASE.run(redis.get(), List.of(keys.webhookLease()), List.of(node, ttlMs))
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<List<String>> pendingRooms(int max) {
    return send(Request.cmd(Command.SRANDMEMBER).arg(keys.webhookPending()).arg(max)).map(StreamEntries::strings);
  }

  @Override
  public Future<List<WebhookEvent>> head(String room, int max) {
    return send(Request.cmd(Command.XRANGE).arg(keys.webhookQueue(room)).arg("-").arg("+").arg("COUNT").arg(max))
        .map(r -> {
          List<WebhookEvent> out = new ArrayList<>(r.size());
          for (Response entry : r) {
            out.add(queued(room, entry));
          }
          return out;
        });
  }

  /** A queue entry {@code [id, [w, id, y, type, ts, ms, m, ..., u, ..., t, ...]]} as an event. */
  private static WebhookEvent queued(String room, Response entry) {
    String entryId = entry.get(0).toString();
    Response f = entry.get(1);
    String w = null;
    String y = null;
    String m = null;
    String u = null;
    String t = null;
    String why = null;
    String until = null;
    long ts = 0;
    for (int i = 0; i + 1 < f.size(); i += 2) {
      String v = f.get(i + 1).toString();
      switch (f.get(i).toString()) {
        case "w" -> w = v;
        case "y" -> y = v;
        case "ts" -> ts = Long.parseLong(v);
        case "m" -> m = v;
        case "u" -> u = v;
        case "t" -> t = v;
        case "why" -> why = v;
        case "until" -> until = v;
        default -> { }
      }
    }
    return new WebhookEvent(entryId, w, y, ts, room, WebhookEvent.data(y, room, ts, m, u, t, why, until),
        millisOf(entryId));
  }

  private static long millisOf(String entryId) {
    int dash = entryId.indexOf('-');
    return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
  }

  @Override
  public Future<Void> delivered(WebhookEvent event) {
    return send(Request.cmd(Command.XDEL).arg(keys.webhookQueue(event.room())).arg(event.entry())).mapEmpty();
  }

  @Override
  public Future<Boolean> settle(String room) {
    // the writer adds to the queue before it hints: dropping the hint first and looking again cannot miss an event
    return send(Request.cmd(Command.SREM).arg(keys.webhookPending()).arg(room))
        .compose(v -> send(Request.cmd(Command.XLEN).arg(keys.webhookQueue(room))))
        .compose(n -> n.toLong() == 0 ? Future.succeededFuture(false)
            : send(Request.cmd(Command.SADD).arg(keys.webhookPending()).arg(room)).map(true));
  }

  @Override
  public Future<Void> dead(WebhookEvent event, int keep) {
    Future<Response> kept = keep == 0 ? Future.succeededFuture()
        : send(Request.cmd(Command.XADD).arg(keys.webhookDead()).arg("MAXLEN").arg("~").arg(keep).arg("*")
            .arg("r").arg(event.room()).arg("w").arg(event.id()).arg("y").arg(event.type()).arg("ts").arg(event.ts())
            .arg("d").arg(event.data().encode()));
    return kept.compose(v -> delivered(event));
  }

  @Override
  public Future<List<WebhookEvent>> deadEvents(int max) {
    return send(Request.cmd(Command.XRANGE).arg(keys.webhookDead()).arg("-").arg("+").arg("COUNT").arg(max))
        .map(r -> {
          List<WebhookEvent> out = new ArrayList<>(r.size());
          for (Response entry : r) {
            out.add(dead(entry));
          }
          return out;
        });
  }

  private static WebhookEvent dead(Response entry) {
    Response f = entry.get(1);
    String r = null;
    String w = null;
    String y = null;
    String d = "{}";
    long ts = 0;
    for (int i = 0; i + 1 < f.size(); i += 2) {
      String v = f.get(i + 1).toString();
      switch (f.get(i).toString()) {
        case "r" -> r = v;
        case "w" -> w = v;
        case "y" -> y = v;
        case "ts" -> ts = Long.parseLong(v);
        case "d" -> d = v;
        default -> { }
      }
    }
    String id = entry.get(0).toString();
    return new WebhookEvent(id, w, y, ts, r, new JsonObject(d), millisOf(id));
  }

  @Override
  public Future<Integer> replayDead(int max) {
    return deadEvents(max).compose(events -> {
      Future<Void> chain = Future.succeededFuture();
      for (WebhookEvent e : events) {
        chain = chain.compose(v -> requeue(e));
      }
      return chain.map(events.size());
    });
  }

  /** A dead event back at the end of its room's queue (its id kept), then gone from the dead events. */
  private Future<Void> requeue(WebhookEvent e) {
    JsonObject d = e.data();
    Request add = Request.cmd(Command.XADD).arg(keys.webhookQueue(e.room())).arg("*").arg("w").arg(e.id())
        .arg("y").arg(e.type()).arg("ts").arg(e.ts());
    for (String[] field : new String[][] {{"m", "id"}, {"u", "user"}, {"t", "text"}, {"why", "reason"},
        {"until", "until"}}) {
      Object v = d.getValue(field[1]);
      if (v != null) {
        add.arg(field[0]).arg(v.toString());
      }
    }
    return send(add)
        .compose(v -> send(Request.cmd(Command.SADD).arg(keys.webhookPending()).arg(e.room())))
        .compose(v -> send(Request.cmd(Command.XDEL).arg(keys.webhookDead()).arg(e.entry())))
        .mapEmpty();
  }

  @Override
  public Future<Void> sweep() {
    return send(Request.cmd(Command.SMEMBERS).arg(keys.rooms())).compose(r -> sweep(StreamEntries.strings(r), 0));
  }

  private Future<Void> sweep(List<String> rooms, int from) {
    if (from >= rooms.size()) {
      return Future.succeededFuture();
    }
    int to = Math.min(rooms.size(), from + 200);
    List<Future<Response>> lengths = new ArrayList<>();
    for (String room : rooms.subList(from, to)) {
      lengths.add(send(Request.cmd(Command.XLEN).arg(keys.webhookQueue(room))));
    }
    return Future.all(lengths).compose(all -> {
      List<Future<Response>> hints = new ArrayList<>();
      for (int i = 0; i < lengths.size(); i++) {
        if (all.<Response>resultAt(i).toLong() > 0) {
          hints.add(send(Request.cmd(Command.SADD).arg(keys.webhookPending()).arg(rooms.get(from + i))));
        }
      }
      return Future.all(hints);
    }).compose(v -> sweep(rooms, to));
  }
}
