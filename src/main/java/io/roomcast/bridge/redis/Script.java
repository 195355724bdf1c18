package io.roomcast.bridge.redis;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The Lua scripts, one per file next to this class, each touching the keys of one hash slot only (a room's, or the
 * global ones), so the same scripts run on a standalone Redis and on a Redis Cluster. Every key a script touches is
 * passed in KEYS; nothing a script publishes is framed there (the payloads come from {@link PubSubPayload}). Run with
 * EVALSHA, falling back to EVAL (which also caches the script) when Redis answers NOSCRIPT.
 */
enum Script {
  /** Room slot: stores a message in the room's stream and publishes it (idempotency key, retention). */
  PUBLISH("publish.lua"),
  /** Room slot: the stream entries after a resuming client's last id, if the stream still holds that id. */
  RECOVER("recover.lua"),
  /** Room slot: a node's first connection of a user joined (presence entry, member count, presence event). */
  JOIN("join.lua"),
  /** Room slot: a node's last connection of a user left (or a dead node's entry is released). */
  LEAVE("leave.lua"),
  /** Room slot: deletes an idle room's keys, if it has no member. */
  DROP("drop.lua"),
  /** Global slot: records a room (within the room limit and the creator's quota) and announces a new one. */
  CREATE("create.lua"),
  /** Global slot: forgets a dropped room, if it is still idle, and announces its deletion. */
  FORGET("forget.lua"),
  /** Global slot: the rooms idle since a cutoff (adopting rooms listed before activity was recorded). */
  IDLE("idle.lua"),
  /** Global slot: counts a connection of a user across nodes, within the per-user limit. */
  CONNECT("connect.lua"),
  /** Global slot: an admitted connection closed. */
  DISCONNECT("disconnect.lua"),
  /** Global slot: sets this node's connection counts to what it holds, moving the totals alike. */
  COUNTS("counts.lua"),
  /** Global slot: releases a gone node's connection counts and its index, after its room entries were released. */
  RELEASE("release.lua"),
  /** Room slot: marks a room as existing, recording its room.created event when it is new. */
  MARK("mark.lua"),
  /** Global slot: takes or renews the webhook delivery lease. */
  LEASE("lease.lua");

  private final String file;
  private String source;
  private String sha;

  Script(String file) {
    this.file = file;
  }

  /** Reads every script from the classpath: file I/O, so not on an event loop. Idempotent. */
  static synchronized void loadAll() {
    for (Script s : values()) {
      if (s.source == null) {
        s.source = read(s.file);
        s.sha = sha1(s.source);
      }
    }
  }

  String file() {
    return file;
  }

  /** Loads the script into the script cache of the Redis {@code redis} sends to (after every reconnect). */
  Future<Response> preload(Redis redis) {
    return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source));
  }

  /** Runs the script; {@code args} are strings, numbers or buffers. */
  Future<Response> run(Redis redis, List<String> keys, List<Object> args) {
    return evaluate(keys, args, redis::send);
  }

  /**
   * Sends the script's EVALSHA through {@code send}, and its source with EVAL (which also caches it) when Redis
   * answers NOSCRIPT. The error may be prefixed: a failed batch names the failing command first ("ERR [0] NOSCRIPT").
   */
  private <T> Future<T> evaluate(List<String> keys, List<Object> args, Function<Request, Future<T>> send) {
    return send.apply(request(Command.EVALSHA, sha, keys, args)).recover(err ->
        String.valueOf(err.getMessage()).contains("NOSCRIPT")
            ? send.apply(request(Command.EVAL, source, keys, args))
            : Future.failedFuture(err));
  }

  /**
   * Runs the script, then {@code WAIT replicas timeoutMs} on the same connection (one pipelined batch, sent where the
   * keys live), and answers the script's result only once at least {@code replicas} replicas acknowledged its
   * writes: a message its sender was told is stored survives the loss of the master. Fails with {@link NotReplicated}
   * when fewer replicas answered in time (the script's effects stay: a retry with the same idempotency key finds them).
   */
  Future<Response> runReplicated(Redis redis, List<String> keys, List<Object> args, int replicas, int timeoutMs) {
    Request wait = Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMs);
    return evaluate(keys, args, script -> redis.batch(List.of(script, wait)))
        .compose(replies -> replies.get(1).toInteger() >= replicas ? Future.succeededFuture(replies.get(0))
            : Future.failedFuture(new NotReplicated(replies.get(1).toInteger(), replicas)));
  }

  /** Fewer replicas than asked for acknowledged a write within the timeout. */
  static final class NotReplicated extends RuntimeException {
    NotReplicated(int acknowledged, int wanted) {
      super(acknowledged + " of " + wanted + " replicas acknowledged the write in time", null, false, false);
    }
  }

  private static Request request(Command command, String script, List<String> keys, List<Object> args) {
    Request r = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(r::arg);
    for (Object a : args) {
      if (a instanceof Buffer b) {
        r.arg(b);
      } else {
        r.arg(a.toString());
      }
    }
    return r;
  }

  private static String read(String name) {
    try (InputStream in = Script.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String source) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
