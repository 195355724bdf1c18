package io.roomcast.client;

import static io.roomcast.client.Frames.asRoomcast;
import static io.roomcast.client.Frames.bool;
import static io.roomcast.client.Frames.frame;
import static io.roomcast.client.Frames.message;
import static io.roomcast.client.Frames.str;
import static io.roomcast.client.Frames.strings;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * A Roomcast client (protocol v1) over an OkHttp WebSocket, for the JVM and Android.
 *
 * <pre>{@code
 * RoomcastClient chat = RoomcastClient.builder("wss://chat.example.com/ws").user("ann").build();
 * chat.addListener(new RoomcastListener() {
 *   public void onMessage(Message m) { System.out.println(m.user() + ": " + m.text()); }
 * });
 * chat.connect().join();
 * chat.join("lobby").join();
 * chat.send("lobby", "hello").thenAccept(id -> System.out.println("stored as " + id));
 * }</pre>
 *
 * <p>Every method is thread-safe and returns at once: requests complete their futures, and listeners are called, on
 * the callback executor, one task at a time and in order. The connection is kept by the client: it reconnects by
 * close code, rejoins every room from the last message id seen (so nothing is missed or delivered twice), retries
 * sends with their idempotency key, and detects half-open connections with a heartbeat.
 *
 * <p>The client's own work runs on one internal thread; frames are read by OkHttp's reader thread, which waits when
 * {@code maxBufferedFrames} frames wait for the callback executor (an app that stops consuming stops reading: the
 * server then closes the connection with 4008 and the client resumes without loss once it catches up).
 */
public final class RoomcastClient implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RoomcastClient.class.getName());
  private static final AtomicInteger CLIENTS = new AtomicInteger();
  private final Builder options;
  private final OkHttpClient http;
  private final boolean ownHttp;
  private final ScheduledExecutorService loop;
  private final SerialExecutor callbacks;
  private final ExecutorService tokenThread;
  /** The default callback thread, when the app gave no executor (ended by close). */
  private final ExecutorService ownCallbackThread;
  private final Semaphore buffered;
  private final List<RoomcastListener> listeners = new CopyOnWriteArrayList<>();

  // ---- state: read and written on the loop thread only ----
  private volatile ConnectionState state = ConnectionState.OFFLINE;
  private volatile String user;
  private Welcome lastWelcome;
  private String token;
  private WebSocket ws;
  private int connection;
  private boolean welcomed;
  /** The rooms were rejoined on this connection: sends may go out. */
  private boolean resumed;
  private boolean everConnected;
  private int attempt;
  private ScheduledFuture<?> reconnectTimer;
  private ScheduledFuture<?> heartbeat;
  /** Requests waiting for their reply, by ref. */
  private final Requests requests;
  /** Joined rooms (rejoined after a reconnect) and where to resume each. */
  private final Map<String, RoomPosition> rooms = new LinkedHashMap<>();
  /** Sends not acknowledged yet, in the order they were made: retried with their key until stored or refused. */
  private final SendQueue sends;
  private final Reconnects reconnects;
  private final List<CompletableFuture<Welcome>> connectWaiters = new ArrayList<>();
  private boolean closed;

  private RoomcastClient(Builder b) {
    this.options = b;
    this.token = b.token;
    this.ownHttp = b.http == null;
    this.http = (b.http != null ? b.http.newBuilder() : new OkHttpClient.Builder())
        .connectTimeout(b.connectTimeout).readTimeout(b.connectTimeout).writeTimeout(b.connectTimeout)
        .pingInterval(Duration.ZERO)   // the client's own heartbeat (protocol pings) detects dead connections
        .build();
    int id = CLIENTS.incrementAndGet();
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "roomcast-client-" + id));
    this.tokenThread = Executors.newSingleThreadExecutor(r -> daemon(r, "roomcast-token-" + id));
    this.ownCallbackThread = b.callbackExecutor != null ? null
        : Executors.newSingleThreadExecutor(r -> daemon(r, "roomcast-callbacks-" + id));
    this.callbacks = new SerialExecutor(b.callbackExecutor != null ? b.callbackExecutor : ownCallbackThread);
    this.buffered = new Semaphore(b.maxBufferedFrames);
    this.requests = new Requests(loop);
    this.reconnects = new Reconnects(b.minBackoff, b.maxBackoff, b.rateLimitedBackoff);
    this.sends = new SendQueue(loop, b.requestTimeout, new SendQueue.Link() {
      @Override
      public boolean mayTransmit() {
        return ws != null && welcomed && resumed;
      }

      @Override
      public CompletableFuture<JsonObject> request(JsonObject frame, Duration timeout) {
        return rawRequest(frame, timeout);
      }

      @Override
      public <T> void settle(CompletableFuture<T> f, T value, Throwable error) {
        RoomcastClient.this.settle(f, value, error);
      }
    });
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts building a client for the server's WebSocket URL ({@code ws://host:8080/ws} or {@code wss://...}). */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  // ---------------------------------------------------------------- public API

  /** Adds a listener; returns a handle that removes it. */
  public Runnable addListener(RoomcastListener listener) {
    listeners.add(Objects.requireNonNull(listener));
    return () -> listeners.remove(listener);
  }

  public ConnectionState state() {
    return state;
  }

  /** The user name the server gave the connection (null before the first welcome). */
  public String user() {
    return user;
  }

  /**
   * Opens the connection; the future completes with the welcome. If the server cannot be reached the client keeps
   * trying (with backoff) and the future waits; it fails only on a stop (a refused upgrade, or {@link #close()}).
   */
  public CompletableFuture<Welcome> connect() {
    CompletableFuture<Welcome> done = new CompletableFuture<>();
    run(done, () -> {
      if (state == ConnectionState.CONNECTED && welcomed) {
        settle(done, lastWelcome, null);
        return;
      }
      connectWaiters.add(done);
      if (state == ConnectionState.OFFLINE || state == ConnectionState.PAUSED) {
        attempt = 0;
        open();
      }
    });
    return done;
  }

  /**
   * Joins a room (creating it if needed); after a reconnect it is rejoined from the last message id seen, or, while none
   * was seen, from the position the join gave ({@link Joined#last()}), so nothing sent meanwhile is missed.
   */
  public CompletableFuture<Joined> join(String room) {
    return join(room, null);
  }

  /**
   * Joins a room from message id {@code since}: the server replays every message after it (then {@link
   * Joined#recovered()} is true) before live ones, so a client that kept the last id seen misses nothing.
   */
  public CompletableFuture<Joined> join(String room, String since) {
    Objects.requireNonNull(room, "room");
    JsonObject frame = frame("join", room);
    if (since != null) {
      frame.addProperty("since", since);
    }
    return request(frame, reply -> {
      RoomPosition r = rooms.computeIfAbsent(room, k -> new RoomPosition());
      String last = str(reply, "last");
      if (last != null) {
        r.last = last;
      } else if (since != null && r.last == null) {
        r.last = since;   // a server without the position extension
      }
      return new Joined(room, strings(reply.getAsJsonArray("members")), bool(reply, "recovered"), last);
    });
  }

  /** Leaves a room: no more of its events, and it is not rejoined after a reconnect. */
  public CompletableFuture<Void> leave(String room) {
    Objects.requireNonNull(room, "room");
    return request(frame("leave", room), reply -> {
      rooms.remove(room);
      return null;
    });
  }

  /**
   * Sends a message to a joined room; the future completes with its id once the server stored it. A send caught by a
   * disconnect, or answered {@code unavailable}, {@code timeout} or {@code rate_limited}, is retried with the same
   * idempotency key (after the reconnect, or after a backoff) so it is stored exactly once, in the order of the
   * sends; other refusals ({@code not_joined}, {@code forbidden}, {@code text_too_long}, ...) fail the future.
   */
  public CompletableFuture<String> send(String room, String text) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(text, "text");
    CompletableFuture<String> done = new CompletableFuture<>();
    run(done, () -> {
      if (state == ConnectionState.OFFLINE) {
        settle(done, null, new RoomcastException("offline", "not connected"));
        return;
      }
      sends.add(room, text, done);
    });
    return done;
  }

  /** The newest {@code limit} (1..100) messages of a room, oldest first. */
  public CompletableFuture<List<Message>> history(String room, int limit) {
    return history(room, null, limit);
  }

  /** The {@code limit} (1..100) messages before message id {@code before} (null: the newest), oldest first. */
  public CompletableFuture<List<Message>> history(String room, String before, int limit) {
    JsonObject frame = frame("history", room);
    if (before != null) {
      frame.addProperty("before", before);
    }
    frame.addProperty("limit", limit);
    return request(frame, reply -> {
      List<Message> out = new ArrayList<>();
      for (JsonElement e : reply.getAsJsonArray("messages")) {
        out.add(message(room, e.getAsJsonObject()));
      }
      return Collections.unmodifiableList(out);
    });
  }

  /** The users in a room. */
  public CompletableFuture<List<String>> members(String room) {
    return request(frame("members", room), reply -> strings(reply.getAsJsonArray("users")));
  }

  /** Every room's name. */
  public CompletableFuture<List<String>> rooms() {
    return request(frame("rooms", null), reply -> strings(reply.getAsJsonArray("rooms")));
  }

  /** Creates a room; true if it is new. */
  public CompletableFuture<Boolean> create(String room) {
    return request(frame("create", room), reply -> bool(reply, "created"));
  }

  /** Tells the room's other members that this user is typing (nothing is sent while disconnected). */
  public void typing(String room) {
    Objects.requireNonNull(room, "room");
    post(() -> {
      if (ws != null && welcomed) {
        ws.send(frame("typing", room).toString());
      }
    });
  }

  /** A protocol ping; completes when the server answered. */
  public CompletableFuture<Void> ping() {
    return request(frame("ping", null), reply -> null);
  }

  /**
   * Closes the connection cleanly and stays disconnected (an app going to the background), keeping the joined rooms,
   * the last ids seen and the unacknowledged sends; {@link #resume()} reconnects and catches up without loss.
   */
  public void pause() {
    post(() -> {
      if (closed || state == ConnectionState.PAUSED || state == ConnectionState.OFFLINE) {
        return;
      }
      cancelTimers();
      setState(ConnectionState.PAUSED);
      WebSocket w = ws;
      welcomed = false;
      resumed = false;
      requests.drop(new RoomcastException("closed", "paused"));
      if (w != null) {
        w.close(1000, "paused");
      }
    });
  }

  /** Reconnects after {@link #pause()}: every room is rejoined from its last id and pending sends go out. */
  public void resume() {
    post(() -> {
      if (!closed && state == ConnectionState.PAUSED) {
        attempt = 0;
        open();
      }
    });
  }

  /**
   * Closes for good: the connection closes with 1000, pending requests and unacknowledged sends fail with
   * {@code closed}, and the client's threads end.
   */
  @Override
  public void close() {
    try {
      loop.execute(() -> {
        if (closed) {
          return;
        }
        closed = true;
        cancelTimers();
        WebSocket w = ws;
        RoomcastException gone = new RoomcastException("closed", "client closed");
        requests.drop(gone);
        sends.failAll(gone);
        connectWaiters.forEach(f -> settle(f, null, gone));
        connectWaiters.clear();
        setState(ConnectionState.OFFLINE);
        if (w != null) {
          w.close(1000, "bye");
        }
        buffered.release(options.maxBufferedFrames);   // a reader thread waiting for the app may end
        callbacks.execute(() -> {
          tokenThread.shutdownNow();
          if (ownCallbackThread != null) {
            ownCallbackThread.shutdown();
          }
        });
        loop.shutdown();
        if (ownHttp) {
          http.dispatcher().executorService().shutdown();
          http.connectionPool().evictAll();
        }
      });
    } catch (RejectedExecutionException alreadyClosed) {
      // closed before
    }
  }

  // ---------------------------------------------------------------- connection

  private void open() {
    if (closed) {
      return;
    }
    reconnectTimer = null;
    setState(everConnected ? ConnectionState.RECONNECTING : ConnectionState.CONNECTING);
    HttpUrl url = HttpUrl.parse(options.url.replaceFirst("^ws", "http"));
    if (url == null) {
      stop("bad_url", "not a ws:// or wss:// URL: " + options.url);
      return;
    }
    HttpUrl.Builder u = url.newBuilder();
    if (token != null) {
      u.setQueryParameter("token", token);
    } else if (options.user != null) {
      u.setQueryParameter("user", options.user);
    }
    int id = ++connection;
    welcomed = false;
    resumed = false;
    ws = http.newWebSocket(new Request.Builder().url(u.build()).build(), new Listener(id));
  }

  /** OkHttp's callbacks, on its threads: each is handed to the loop, and ignored once its connection is gone. */
  private final class Listener extends WebSocketListener {
    private final int id;

    Listener(int id) {
      this.id = id;
    }

    @Override
    public void onMessage(WebSocket socket, String text) {
      try {
        buffered.acquire();   // the app is behind: stop reading (TCP pushes back on the server) until it catches up
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      post(() -> {
        if (id == connection) {
          onFrame(text);
        }
        callbacks.execute(buffered::release);
      });
    }

    @Override
    public void onClosing(WebSocket socket, int code, String reason) {
      socket.close(1000, null);
      post(() -> connectionClosed(id, code, reason));
    }

    @Override
    public void onClosed(WebSocket socket, int code, String reason) {
      post(() -> connectionClosed(id, code, reason));
    }

    @Override
    public void onFailure(WebSocket socket, Throwable t, Response response) {
      int status = response == null ? 0 : response.code();
      String why = null;
      if (response != null) {
        why = refusalMessage(response);
        response.close();
      }
      String reason = why;
      post(() -> {
        if (status != 0 && status != 101) {
          onRefused(id, status, reason);
        } else {
          connectionClosed(id, 1006, String.valueOf(t.getMessage()));
        }
      });
    }
  }

  private void onFrame(String text) {
    JsonObject f;
    try {
      f = JsonParser.parseString(text).getAsJsonObject();
    } catch (RuntimeException e) {
      LOG.warning("ignored a frame that is not a JSON object");
      return;
    }
    String type = str(f, "type");
    if (requests.answer(str(f, "ref"), f)) {
      return;
    }
    if (type == null) {
      return;
    }
    switch (type) {
      case "welcome":
        onWelcome(f);
        break;
      case "message": {
        String room = str(f, "room");
        RoomPosition r = room == null ? null : rooms.get(room);
        if (r != null && r.accept(str(f, "id"))) {
          Message m = message(room, f);
          emit(l -> l.onMessage(m));
        }
        break;
      }
      case "presence": {
        Presence p2 = new Presence(str(f, "room"), str(f, "user"), "join".equals(str(f, "event")));
        emit(l -> l.onPresence(p2));
        break;
      }
      case "typing": {
        String room = str(f, "room");
        String who = str(f, "user");
        emit(l -> l.onTyping(room, who));
        break;
      }
      case "room": {
        String room = str(f, "room");
        boolean deleted = "deleted".equals(str(f, "event"));
        emit(l -> l.onRoom(room, deleted));
        break;
      }
      case "error": {
        RoomcastException e = new RoomcastException(str(f, "code"), str(f, "message"));
        emit(l -> l.onError(e));
        break;
      }
      default:
        // a reply whose request timed out, or a frame type added later: nothing to do
    }
  }

  private void onWelcome(JsonObject f) {
    welcomed = true;
    everConnected = true;
    attempt = 0;
    user = str(f, "user");
    Welcome w = new Welcome(user, str(f, "session"), str(f, "node"),
        f.has("features") && f.get("features").isJsonArray() ? strings(f.getAsJsonArray("features")) : List.of());
    lastWelcome = w;
    setState(ConnectionState.CONNECTED);
    connectWaiters.forEach(c -> settle(c, w, null));
    connectWaiters.clear();
    startHeartbeat();
    rejoin();
  }

  /**
   * Rejoins every room from where it was left (its last id, or the position its join gave), then lets the
   * unacknowledged sends go out (they need the rooms joined). A rejoin's answer moves the room's resume point to the
   * position it gives, before the room's next frame is read: after an unrecovered resume that is where the room goes on.
   */
  private void rejoin() {
    int conn = connection;
    List<CompletableFuture<JsonObject>> joins = new ArrayList<>();
    for (Map.Entry<String, RoomPosition> e : rooms.entrySet()) {
      String room = e.getKey();
      RoomPosition state = e.getValue();
      JsonObject frame = frame("join", room);
      if (state.last != null) {
        frame.addProperty("since", state.last);
      }
      CompletableFuture<JsonObject> reply = rawRequest(frame, options.requestTimeout);
      joins.add(reply);
      reply.whenComplete((r, err) -> {
        if (err == null && str(r, "last") != null) {
          state.last = str(r, "last");
        }
        if (err != null) {
          RoomcastException x = asRoomcast(err);
          if (!"closed".equals(x.code())) {
            emit(l -> l.onError(new RoomcastException(x.code(), "rejoining " + room + ": " + x.getMessage())));
          }
        } else {
          boolean recovered = bool(r, "recovered");
          List<String> members = strings(r.getAsJsonArray("members"));
          emit(l -> l.onResumed(room, recovered, members));
        }
      });
    }
    CompletableFuture.allOf(joins.toArray(new CompletableFuture<?>[0])).whenComplete((v, err) -> {
      if (conn == connection && welcomed) {
        resumed = true;
        sends.resumed();
      }
    });
  }

  private void connectionClosed(int id, int code, String reason) {
    if (id != connection || ws == null) {
      return;
    }
    ws = null;
    welcomed = false;
    resumed = false;
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
    requests.drop(new RoomcastException("closed", "connection closed (" + code + ")"));
    if (closed || state == ConnectionState.PAUSED) {
      return;
    }
    String stop = Reconnects.stopError(code);
    if (stop != null) {
      stop(stop, "the server closed the connection with " + code + (reason == null ? "" : ": " + reason));
      return;
    }
    planReconnect(code);
  }

  /** The {@code message} of a refused upgrade's JSON error body (the server's reason), or null. */
  private static String refusalMessage(okhttp3.Response response) {
    try {
      okhttp3.ResponseBody body = response.body();
      String text = body == null ? "" : body.string();
      JsonElement parsed = JsonParser.parseString(text);
      if (parsed.isJsonObject() && parsed.getAsJsonObject().get("message") != null
          && parsed.getAsJsonObject().get("message").isJsonPrimitive()) {
        return parsed.getAsJsonObject().get("message").getAsString();
      }
    } catch (RuntimeException | java.io.IOException e) {
      // no readable reason: the status alone tells what happened
    }
    return null;
  }

  /** The upgrade was answered with an HTTP status instead of a WebSocket; {@code reason} is the server's, or null. */
  private void onRefused(int id, int status, String reason) {
    if (id != connection) {
      return;
    }
    ws = null;
    if (closed || state == ConnectionState.PAUSED) {
      return;
    }
    if (status == 401 && options.tokenProvider != null) {
      planReconnect(4001);
    } else if (status == 401) {
      stop("unauthorized", "the upgrade was refused with 401 and there is no token provider");
    } else if (status == 403) {
      // the token, the Origin or the application's connect hook refused: its reason is what the user is told
      stop("forbidden_upgrade", reason != null ? reason : "the upgrade was refused with 403");
    } else if (status == 400) {
      stop("bad_upgrade", reason != null ? reason : "the upgrade was refused with 400 (bad user name?)");
    } else {
      planReconnect(1006);   // 429 (limits), 503 (draining or not ready), ...: try again later
    }
  }

  /** Gives up: the server refused something reconnecting would not change. */
  private void stop(String code, String message) {
    cancelTimers();
    RoomcastException e = new RoomcastException(code, message);
    setState(ConnectionState.OFFLINE);
    emit(l -> l.onError(e));
    connectWaiters.forEach(f -> settle(f, null, e));
    connectWaiters.clear();
    sends.failAll(e);
  }

  private void planReconnect(int code) {
    setState(ConnectionState.RECONNECTING);
    if (code == 4001 && options.tokenProvider != null) {
      int conn = connection;
      tokenThread.execute(() -> {
        String fresh = null;
        RoomcastException failed = null;
        try {
          fresh = options.tokenProvider.freshToken();
        } catch (Exception e) {
          failed = new RoomcastException("token", "the token provider failed: " + e);
        }
        String t = fresh;
        RoomcastException f = failed;
        post(() -> {
          if (conn != connection || closed || state != ConnectionState.RECONNECTING) {
            return;
          }
          if (t != null) {
            token = t;
            // a token refused again: back off
            schedule(4001, attempt == 0 ? Reconnects.jitter(200) : reconnects.backoff(attempt));
          } else {
            emit(l -> l.onError(f != null ? f : new RoomcastException("token", "the token provider gave no token")));
            schedule(4001, reconnects.backoff(attempt));
          }
        });
      });
      return;
    }
    schedule(code, reconnects.delay(code, attempt));
  }

  private void schedule(int code, long delay) {
    attempt++;
    emit(l -> l.onReconnect(code, delay));
    reconnectTimer = loop.schedule(() -> {
      if (!closed && state == ConnectionState.RECONNECTING) {
        open();
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  /** A protocol ping every {@code heartbeatInterval}; no pong within {@code heartbeatTimeout}: the link is dead. */
  private void startHeartbeat() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    long every = options.heartbeatInterval.toMillis();
    if (every <= 0) {
      return;
    }
    int conn = connection;
    heartbeat = loop.scheduleWithFixedDelay(() -> {
      if (conn != connection || ws == null) {
        return;
      }
      WebSocket w = ws;
      rawRequest(frame("ping", null), options.heartbeatTimeout).whenComplete((r, err) -> {
        if (err != null && "timeout".equals(asRoomcast(err).code()) && conn == connection && ws == w) {
          LOG.fine("no pong within " + options.heartbeatTimeout.toMillis() + " ms: reconnecting");
          w.cancel();   // OkHttp reports a failure: the usual reconnect follows
        }
      });
    }, every, every, TimeUnit.MILLISECONDS);
  }

  private void cancelTimers() {
    for (ScheduledFuture<?> t : new ScheduledFuture<?>[] {reconnectTimer, heartbeat}) {
      if (t != null) {
        t.cancel(false);
      }
    }
    reconnectTimer = null;
    heartbeat = null;
    sends.cancelRetry();
  }

  // ---------------------------------------------------------------- requests

  /** A request from the app: its reply mapped on the loop, its future completed on the callback executor. */
  private <T> CompletableFuture<T> request(JsonObject frame, Function<JsonObject, T> map) {
    CompletableFuture<T> done = new CompletableFuture<>();
    run(done, () -> rawRequest(frame, options.requestTimeout).whenComplete((reply, err) -> {
      if (err != null) {
        settle(done, null, asRoomcast(err));
        return;
      }
      T value;
      try {
        value = map.apply(reply);
      } catch (RuntimeException e) {
        settle(done, null, new RoomcastException("bad_reply", "unexpected reply: " + reply));
        return;
      }
      settle(done, value, null);
    }));
    return done;
  }

  /** On the loop: sends {@code frame} with a new ref; the future completes on the loop with the reply. */
  private CompletableFuture<JsonObject> rawRequest(JsonObject frame, Duration timeout) {
    if (ws == null || !welcomed) {
      CompletableFuture<JsonObject> offline = new CompletableFuture<>();
      offline.completeExceptionally(new RoomcastException("offline", "not connected"));
      return offline;
    }
    return requests.send(ws, frame, timeout);
  }

  // ---------------------------------------------------------------- plumbing

  private void setState(ConnectionState next) {
    if (state != next) {
      state = next;
      emit(l -> l.onStateChange(next));
    }
  }

  private void emit(java.util.function.Consumer<RoomcastListener> call) {
    callbacks.execute(() -> {
      for (RoomcastListener l : listeners) {
        try {
          call.accept(l);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "a listener failed", e);
        }
      }
    });
  }

  /** Completes an app-facing future on the callback executor, in order with the listener calls. */
  private <T> void settle(CompletableFuture<T> f, T value, Throwable error) {
    callbacks.execute(() -> {
      if (error != null) {
        f.completeExceptionally(error);
      } else {
        f.complete(value);
      }
    });
  }

  private void post(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException closedAlready) {
      // the client was closed: nothing more happens
    }
  }

  private void run(CompletableFuture<?> done, Runnable task) {
    try {
      loop.execute(() -> {
        if (closed) {
          done.completeExceptionally(new RoomcastException("closed", "client closed"));
        } else {
          task.run();
        }
      });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new RoomcastException("closed", "client closed"));
    }
  }

  /** Options of a {@link RoomcastClient}. */
  public static final class Builder {
    private final String url;
    private String user;
    private String token;
    private TokenProvider tokenProvider;
    private Executor callbackExecutor;
    private OkHttpClient http;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration minBackoff = Duration.ofMillis(250);
    private Duration maxBackoff = Duration.ofSeconds(15);
    private Duration rateLimitedBackoff = Duration.ofSeconds(30);
    private Duration heartbeatInterval = Duration.ofSeconds(25);
    private Duration heartbeatTimeout = Duration.ofSeconds(10);
    private int maxBufferedFrames = 10_000;

    private Builder(String url) {
      this.url = Objects.requireNonNull(url, "url");
    }

    /** Anonymous mode: the user name ({@code ^[A-Za-z0-9_.-]{1,32}$}); without it the server picks a guest name. */
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /** JWT mode: the token sent at the upgrade. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** Asked for a fresh token after close 4001 (expired) or a 401 at the upgrade. */
    public Builder tokenProvider(TokenProvider provider) {
      this.tokenProvider = provider;
      return this;
    }

    /**
     * Where listeners are called and futures completed (one task at a time, in order): an Android app passes its
     * main-thread executor ({@code ContextCompat.getMainExecutor(context)}). Default: a thread of the client's own.
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = executor;
      return this;
    }

    /** An OkHttpClient to share (its dispatcher and connection pool); the client derives its own settings from it. */
    public Builder okHttpClient(OkHttpClient client) {
      this.http = client;
      return this;
    }

    /** How long a request waits for its reply before failing with {@code timeout} (default 10 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    /** TCP connect, TLS and upgrade timeout (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    /** Reconnect delays after a failure: full jitter, doubling from {@code min} up to {@code max} (0.25 s, 15 s). */
    public Builder backoff(Duration min, Duration max) {
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /** After close 4029 (rate limit abused) the client waits this long plus up to as much again (default 30 s). */
    public Builder rateLimitedBackoff(Duration wait) {
      this.rateLimitedBackoff = wait;
      return this;
    }

    /**
     * The heartbeat: a protocol ping every {@code interval}; no pong within {@code timeout} and the connection is
     * treated as dead and replaced (default 25 s and 10 s; a zero interval turns it off).
     */
    public Builder heartbeat(Duration interval, Duration timeout) {
      this.heartbeatInterval = interval;
      this.heartbeatTimeout = timeout;
      return this;
    }

    /** Frames that may wait for the callback executor before the client stops reading (default 10 000). */
    public Builder maxBufferedFrames(int frames) {
      this.maxBufferedFrames = frames;
      return this;
    }

    public RoomcastClient build() {
      if (user != null && token != null) {
        throw new IllegalArgumentException("either a user (anonymous mode) or a token (JWT mode), not both");
      }
      return new RoomcastClient(this);
    }
  }
}
