package io.roomcast.hooks;

import io.roomcast.config.HookSettings;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the application's backend (docs/hooks.md): a signed JSON POST to the hook's URL over a pooled keep-alive
 * client, bounded by the hook's timeout and shed by its circuit breaker, answered with a {@link Verdict}. A failure
 * (timeout, unreachable, an answer that is not 200 with a JSON {@code allow}, an open breaker) becomes the policy's
 * verdict: {@link Verdict.Allow} under {@code open}, {@link Verdict.Unavailable} under {@code closed}. One per gateway
 * instance, used from its event loop; the returned future never fails.
 */
public final class HookClient {
  private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);
  /** The longest refusal reason passed on to a client. */
  static final int MAX_REASON = 200;

  private final Hooks hooks;
  private final WebClient client;

  /** What the backend decided. */
  public sealed interface Verdict {
    /** Let it happen; {@code text} replaces a sent message's text when not null. */
    record Allow(String text) implements Verdict {}

    /** Refused, with the backend's reason. */
    record Refuse(String reason) implements Verdict {}

    /** The hook failed under the {@code closed} policy. */
    record Unavailable() implements Verdict {}
  }

  private static final Verdict.Allow ALLOW = new Verdict.Allow(null);
  private static final Verdict.Unavailable UNAVAILABLE = new Verdict.Unavailable();

  /** A call that failed for {@code cause}. */
  private static final class Failure extends RuntimeException {
    final HookMetrics.Cause cause;

    Failure(HookMetrics.Cause cause, String message) {
      super(message, null, false, false);
      this.cause = cause;
    }
  }

  public HookClient(Vertx vertx, Hooks hooks) {
    this.hooks = hooks;
    this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setUserAgent("roomcast-hooks")
        .setConnectTimeout(5000), new PoolOptions().setHttp1MaxSize(hooks.poolSize()));
  }

  /** Asks {@code hook} (which must be enabled) about {@code body}. */
  public Future<Verdict> call(HookSettings.Hook hook, JsonObject body) {
    long start = System.nanoTime();
    Buffer payload = body.toBuffer();
    return hooks.breaker(hook.name()).<Verdict>execute(() -> post(hook, payload))
        .map(v -> {
          hooks.metrics().ended(hook.name(), v instanceof Verdict.Refuse ? HookMetrics.Outcome.REFUSED
              : ((Verdict.Allow) v).text() != null ? HookMetrics.Outcome.REPLACED : HookMetrics.Outcome.ALLOWED, start);
          return v;
        })
        .recover(err -> {
          HookMetrics.Cause cause = causeOf(err);
          hooks.metrics().failed(hook.name(), cause);
          LOG.debug("hook {} failed ({}): {}", hook.name(), cause, err.toString());
          hooks.metrics().ended(hook.name(), hook.open() ? HookMetrics.Outcome.FAILED_OPEN
              : HookMetrics.Outcome.FAILED_CLOSED, start);
          return Future.succeededFuture(hook.open() ? ALLOW : UNAVAILABLE);
        });
  }

  private Future<Verdict> post(HookSettings.Hook hook, Buffer payload) {
    String id = Signer.newId("hook");
    long ts = System.currentTimeMillis() / 1000;
    return client.postAbs(hook.url())
        .timeout(hook.timeoutMs())
        .putHeader("content-type", "application/json")
        .putHeader(Signer.ID, id)
        .putHeader(Signer.TIMESTAMP, Long.toString(ts))
        .putHeader(Signer.SIGNATURE, hooks.signer().sign(id, ts, payload.getBytes()))
        .sendBuffer(payload)
        .map(HookClient::verdict);
  }

  /** The backend's answer: 200 with {@code {"allow": true}}, {@code {"allow": true, "text"}} or a refusal. */
  private static Verdict verdict(HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      throw new Failure(HookMetrics.Cause.STATUS, "HTTP " + response.statusCode());
    }
    JsonObject answer;
    try {
      answer = response.body() == null ? null : new JsonObject(response.body());
    } catch (DecodeException | ClassCastException e) {
      throw new Failure(HookMetrics.Cause.MALFORMED, "not a JSON object");
    }
    Object allow = answer == null ? null : answer.getValue("allow");
    if (!(allow instanceof Boolean)) {
      throw new Failure(HookMetrics.Cause.MALFORMED, "no boolean allow");
    }
    if ((Boolean) allow) {
      Object text = answer.getValue("text");
      if (text != null && !(text instanceof String)) {
        throw new Failure(HookMetrics.Cause.MALFORMED, "text is not a string");
      }
      return text == null ? new Verdict.Allow(null) : new Verdict.Allow((String) text);
    }
    Object reason = answer.getValue("reason");
    String why = reason instanceof String s && !s.isBlank() ? s : "refused by the application";
    return new Verdict.Refuse(why.length() > MAX_REASON ? why.substring(0, MAX_REASON) : why);
  }

  private static HookMetrics.Cause causeOf(Throwable err) {
    if (err instanceof Failure f) {
      return f.cause;
    }
    if (err instanceof OpenCircuitException) {
      return HookMetrics.Cause.BREAKER_OPEN;
    }
    if (err instanceof TimeoutException || String.valueOf(err.getMessage()).toLowerCase().contains("timeout")) {
      return HookMetrics.Cause.TIMEOUT;
    }
    return HookMetrics.Cause.UNREACHABLE;   // refused, reset, unknown host: no answer came
  }
}
