package io.roomcast.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A protocol-v1 test client over a real WebSocket. Frames it receives queue up; the test reads them in order with
 * {@link #next}, or waits for the reply to a request with {@link #request}. Blocking: call from the test thread.
 */
public final class WsClient implements AutoCloseable {
  public static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** The text that starts every barrier message ({@link #drain(String)}). */
  public static final String BARRIER = "barrier-";

  private final WebSocket ws;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  /** Frames received but passed over by {@link #take}; read from the test thread only. */
  private final Deque<JsonObject> stash = new ArrayDeque<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();
  private volatile long closedAtNanos;
  private final AtomicInteger refs = new AtomicInteger();
  private JsonObject welcome;

  /** Handlers are set before connecting: a frame that arrives with the upgrade (the welcome) cannot be missed. */
  private WsClient(ClientWebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.closeHandler(v -> {
      closedAtNanos = System.nanoTime();
      closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode());
    });
  }

  /** Connects as {@code user} (null: anonymous) to the node on {@code port}. */
  public static WsClient connect(WebSocketClient client, int port, String user) {
    return connect(client, port, user == null ? "/ws" : "/ws?user=" + user, Map.of());
  }

  /** Connects to {@code uri} with extra request headers (a token, an Origin). */
  public static WsClient connect(WebSocketClient client, int port, String uri, Map<String, String> headers) {
    WsClient c = new WsClient(client.webSocket());
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(options::addHeader);
    // like a non-browser client, send an Origin only when the test names one
    options.setAllowOriginHeader(headers.containsKey("Origin"));
    Await.result(((ClientWebSocket) c.ws).connect(options), TIMEOUT);
    c.welcome = c.next(f -> true);
    assertThat(c.welcome.getString("type")).isEqualTo("welcome");
    return c;
  }

  /** The HTTP status an upgrade to {@code uri} is refused with; fails the test if it is accepted. */
  public static int refusedStatus(WebSocketClient client, int port, String uri, Map<String, String> headers) {
    Throwable err = org.assertj.core.api.Assertions.catchThrowable(() -> connect(client, port, uri, headers).close());
    assertThat(err).as("upgrade of %s refused", uri).isInstanceOf(io.vertx.core.http.UpgradeRejectedException.class);
    return ((io.vertx.core.http.UpgradeRejectedException) err).getStatus();
  }

  /** Whether {@code user} can connect now (the connection is closed again at once). */
  public static boolean connects(WebSocketClient client, int port, String user) {
    try (WsClient c = connect(client, port, user)) {
      return true;
    } catch (Throwable refused) {
      return false;
    }
  }

  public static WebSocketClient newClient(Vertx vertx) {
    return vertx.createWebSocketClient();
  }

  public JsonObject welcome() {
    return welcome;
  }

  public String user() {
    return welcome.getString("user");
  }

  /** The extensions the server accepted ({@code Sec-WebSocket-Extensions}), or null. */
  public String extensions() {
    return ws.headers() == null ? null : ws.headers().get("sec-websocket-extensions");
  }

  /** Stops reading from the socket, like a client that hangs: the server's writes back up. */
  public void pause() {
    ws.pause();
  }

  public void resume() {
    ws.resume();
  }

  /** Sends a frame as it is. */
  public void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  public void sendText(String text) {
    if (text.isEmpty()) {
      // Vert.x's writeTextMessage sends nothing usable for an empty message; a single empty frame is what browsers send
      ws.writeFrame(io.vertx.core.http.WebSocketFrame.textFrame("", true));
    } else {
      ws.writeTextMessage(text);
    }
  }

  public void sendBinary(Buffer data) {
    ws.writeBinaryMessage(data);
  }

  /** Sends {@code frame} with a fresh ref and returns the reply carrying that ref (events before it stay queued). */
  public JsonObject request(JsonObject frame) {
    String ref = "r" + refs.incrementAndGet();
    send(frame.copy().put("ref", ref));
    return take(f -> ref.equals(f.getString("ref")));
  }

  /** Like {@link #request}, and fails unless the reply is of {@code type}. */
  public JsonObject expect(String type, JsonObject frame) {
    JsonObject reply = request(frame);
    assertThat(reply.getString("type")).as("reply to %s: %s", frame, reply).isEqualTo(type);
    return reply;
  }

  /** Joins and returns the {@code joined} reply. */
  public JsonObject join(String room) {
    return expect("joined", new JsonObject().put("type", "join").put("room", room));
  }

  /** Sends a message and returns its id. */
  public String say(String room, String text) {
    return expect("ok", new JsonObject().put("type", "send").put("room", room).put("text", text)).getString("id");
  }

  /** The next frame in arrival order; fails unless it matches. */
  public JsonObject next(Predicate<JsonObject> expected) {
    JsonObject f = stash.isEmpty() ? poll(TIMEOUT.toNanos()) : stash.removeFirst();
    if (f == null) {
      fail("no frame within %s", TIMEOUT);
    }
    assertThat(expected.test(f)).as("unexpected frame %s", f).isTrue();
    return f;
  }

  /**
   * The first frame, in arrival order, that matches; the frames it passes over stay queued for later reads. Fails
   * after {@link #TIMEOUT}.
   */
  public JsonObject take(Predicate<JsonObject> wanted) {
    for (Iterator<JsonObject> it = stash.iterator(); it.hasNext(); ) {
      JsonObject f = it.next();
      if (wanted.test(f)) {
        it.remove();
        return f;
      }
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      JsonObject f = poll(deadline - System.nanoTime());
      if (f == null) {
        fail("no matching frame within %s; unmatched: %s", TIMEOUT, brief(stash));
      }
      if (wanted.test(f)) {
        return f;
      }
      stash.add(f);
    }
  }

  /** Frames for a failure message: long texts clipped, so a test with large messages fails readably. */
  private static List<String> brief(Collection<JsonObject> frames) {
    return frames.stream().map(f -> {
      String text = f.getString("text");
      return text == null || text.length() <= 80 ? f.encode()
          : f.copy().put("text", text.substring(0, 80) + "... (" + text.length() + " chars)").encode();
    }).toList();
  }

  /** The users {@code members} lists for {@code room}. */
  public List<String> members(String room) {
    return expect("members", new JsonObject().put("type", "members").put("room", room))
        .getJsonArray("users").stream().map(Object::toString).toList();
  }

  /** Whether {@code f} is a presence event {@code event} ("join" or "leave") about {@code user}. */
  public static boolean isPresence(JsonObject f, String event, String user) {
    return "presence".equals(f.getString("type")) && event.equals(f.getString("event"))
        && user.equals(f.getString("user"));
  }

  /** The next event of {@code type}. */
  public JsonObject event(String type) {
    return take(f -> type.equals(f.getString("type")));
  }

  /**
   * Waits until everything of {@code room} published before now, on any node, has arrived: a barrier message sent to
   * the room (which this connection has joined) travels the same way as every other event of the room (stored, then
   * published through the broker in order), so once it arrives, nothing published before it is still on its way.
   * Returns, and consumes, every frame not read yet, the barrier excluded.
   */
  public List<JsonObject> drain(String room) {
    String text = BARRIER + welcome.getString("session") + "-" + refs.incrementAndGet();
    String id = say(room, text);
    take(f -> "message".equals(f.getString("type")) && id.equals(f.getString("id")));
    List<JsonObject> before = new ArrayList<>(stash);
    stash.clear();
    // other clients' barriers in the room are not what the caller looks for either
    before.removeIf(f -> "message".equals(f.getString("type")) && f.getString("text", "").startsWith(BARRIER));
    return before;
  }

  /**
   * Waits until every room announcement made before now, on any node, has arrived: joins a fresh room, whose own
   * announcement goes through the broker after the earlier ones, waits for it and leaves again. Returns, and consumes,
   * every frame not read yet, the barrier's own frames excluded.
   */
  public List<JsonObject> drainAnnouncements() {
    String room = "barrier-" + welcome.getString("session") + "-" + refs.incrementAndGet();
    join(room);
    take(f -> "room".equals(f.getString("type")) && room.equals(f.getString("room")));
    expect("ok", new JsonObject().put("type", "leave").put("room", room));
    List<JsonObject> before = new ArrayList<>(stash);
    stash.clear();
    return before;
  }

  /**
   * Waits until every reply and event the bridge of this connection's node sent before now has arrived: a round trip
   * through the bridge. That orders it with events only on one node (the memory broker publishes before it replies);
   * across nodes use {@link #drain(String)} or {@link #drainAnnouncements()}. Returns, and consumes, every frame not
   * read yet.
   */
  public List<JsonObject> drain() {
    String ref = "barrier" + refs.incrementAndGet();
    send(new JsonObject().put("type", "rooms").put("ref", ref));
    take(f -> ref.equals(f.getString("ref")));
    List<JsonObject> before = new ArrayList<>(stash);
    stash.clear();
    return before;
  }

  /**
   * The ids of the messages received from now on, in order, up to {@code last} included; or, when the server closes
   * the connection before it, every one received until then. Fails after {@link #TIMEOUT} without either.
   */
  public List<String> messagesUntil(String last) {
    List<String> ids = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      JsonObject f = stash.isEmpty() ? poll(Math.min(TimeUnit.MILLISECONDS.toNanos(50), deadline - System.nanoTime()))
          : stash.removeFirst();
      if (f == null) {
        if (closed.isDone() && frames.isEmpty()) {
          return ids;
        }
        if (System.nanoTime() > deadline) {
          fail("neither message %s nor a close within %s; received %s", last, TIMEOUT, ids);
        }
        continue;
      }
      if ("message".equals(f.getString("type"))) {
        ids.add(f.getString("id"));
        if (f.getString("id").equals(last)) {
          return ids;
        }
      }
    }
  }

  /** Every frame received and not read yet, for a connection that is closed (no barrier possible). */
  public List<JsonObject> drainClosed() {
    assertThat(isClosed()).as("connection closed").isTrue();
    List<JsonObject> all = new ArrayList<>(stash);
    stash.clear();
    frames.drainTo(all);
    return all;
  }

  /** Waits for the server to close the connection; returns the close code. */
  public short awaitClose() {
    try {
      return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("connection not closed within " + TIMEOUT, e);
    }
  }

  /** When the connection closed (System.nanoTime()), for a connection that did. */
  public long closedAtNanos() {
    assertThat(closed).as("closed").isDone();
    return closedAtNanos;
  }

  public boolean isClosed() {
    return ws.isClosed();
  }

  private JsonObject poll(long nanos) {
    try {
      return nanos > 0 ? frames.poll(nanos, TimeUnit.NANOSECONDS) : frames.poll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      Await.result(ws.close(), TIMEOUT);
    }
  }
}
