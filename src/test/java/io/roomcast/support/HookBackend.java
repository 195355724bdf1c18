package io.roomcast.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The application's backend, for the hook and webhook tests: a JDK HTTP server on a free port of 127.0.0.1 that
 * records every request (path, Standard Webhooks headers, JSON body, and whether its signature is right, checked here
 * from the specification, not with the server's code) and answers each path as the test says. A path can be held:
 * its requests then wait, unanswered, until the test releases it.
 */
public final class HookBackend implements AutoCloseable {
  /** A recorded request. {@code signed}: its signature verified against the secret. */
  public record Call(String path, String id, String timestamp, String signature, JsonObject body, boolean signed) {}

  /** What a path answers. */
  public record Answer(int status, String body) {
    public static Answer allow() {
      return new Answer(200, "{\"allow\":true}");
    }

    public static Answer refuse(String reason) {
      return new Answer(200, new JsonObject().put("allow", false).put("reason", reason).encode());
    }

    public static Answer replace(String text) {
      return new Answer(200, new JsonObject().put("allow", true).put("text", text).encode());
    }

    public static Answer status(int status) {
      return new Answer(status, "{}");
    }
  }

  /** A test secret in the {@code whsec_} form, and its key. */
  public static final byte[] KEY = "roomcast-test-signing-key-32-byte".getBytes(StandardCharsets.UTF_8);
  public static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final Map<String, Function<JsonObject, Answer>> answers = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> held = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Call> acknowledged = new CopyOnWriteArrayList<>();

  private HookBackend() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  public static HookBackend start() {
    try {
      return new HookBackend();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** {@code path} answers what {@code answer} makes of each request's body (until told otherwise). */
  public void answer(String path, Function<JsonObject, Answer> answer) {
    answers.put(path, answer);
  }

  public void answer(String path, Answer answer) {
    answer(path, body -> answer);
  }

  /** From now on, requests to {@code path} wait unanswered until {@link #release}. */
  public void hold(String path) {
    held.put(path, new CompletableFuture<>());
  }

  /** The requests held on {@code path} are answered, and later ones are not held. */
  public void release(String path) {
    CompletableFuture<Void> gate = held.remove(path);
    if (gate != null) {
      gate.complete(null);
    }
  }

  /** The requests to {@code path} so far, in arrival order (a held one is recorded when it arrives). */
  public List<Call> calls(String path) {
    List<Call> out = new ArrayList<>();
    for (Call c : calls) {
      if (c.path().equals(path)) {
        out.add(c);
      }
    }
    return out;
  }

  /** The requests to {@code path} that were answered with a 2xx, in the order of their answers. */
  public List<Call> acknowledged(String path) {
    return acknowledged.stream().filter(c -> c.path().equals(path)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      byte[] raw = exchange.getRequestBody().readAllBytes();
      String id = exchange.getRequestHeaders().getFirst("webhook-id");
      String ts = exchange.getRequestHeaders().getFirst("webhook-timestamp");
      String sig = exchange.getRequestHeaders().getFirst("webhook-signature");
      JsonObject body = new JsonObject(new String(raw, StandardCharsets.UTF_8));
      Call call = new Call(path, id, ts, sig, body, verifies(id, ts, sig, raw));
      calls.add(call);
      CompletableFuture<Void> gate = held.get(path);
      if (gate != null) {
        gate.get(60, TimeUnit.SECONDS);
      }
      Answer answer = answers.getOrDefault(path, b -> Answer.allow()).apply(body);
      byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("content-type", "application/json");
      if (answer.status() == 204) {
        exchange.sendResponseHeaders(204, -1);   // no content: a 204 carries no body
      } else {
        exchange.sendResponseHeaders(answer.status(), out.length);
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
      if (answer.status() / 100 == 2) {
        acknowledged.add(call);
      }
    } catch (Exception e) {
      // the node gave up on the request (its timeout) or the test ended: nothing to answer
    }
  }

  /**
   * The Standard Webhooks check, from the specification: {@code v1,} + base64(HMAC-SHA256(key, id.timestamp.body)),
   * compared in constant time, with a timestamp within five minutes of now.
   */
  public static boolean verifies(String id, String ts, String signature, byte[] body) {
    if (id == null || ts == null || signature == null) {
      return false;
    }
    try {
      long seconds = Long.parseLong(ts);
      if (Math.abs(System.currentTimeMillis() / 1000 - seconds) > 300) {
        return false;
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
      mac.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
      byte[] expected = ("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body))).getBytes(StandardCharsets.UTF_8);
      for (String candidate : signature.split(" ")) {
        if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.UTF_8))) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    held.values().forEach(g -> g.complete(null));
    server.stop(0);
    pool.shutdownNow();
  }
}
