package io.roomcast.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.roomcast.bus.Addresses;
import io.roomcast.bus.BridgeAnswer;
import io.roomcast.bus.BridgeCall;
import io.roomcast.bus.BridgeClient;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.LocalCodec;
import io.roomcast.bus.Refusal;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.ChatConfig;
import io.roomcast.config.SessionLimits;
import io.roomcast.gateway.auth.Identity;
import io.roomcast.gateway.wire.WireSocket;
import io.roomcast.ops.Metrics;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.FrameParser;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.protocol.StoredMessage;
import io.roomcast.support.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One {@link Session} on a real WebSocket, with its services as a gateway instance builds them and a stand-in bridge
 * on the event bus that answers (or not) when the test says: what the session asks of the bridge for each frame, what
 * it writes back, the order of a join's reply, replay and held live events, its limits, and how it closes.
 */
class SessionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final Vertx vertx = Vertx.vertx();
  /** What reached the bridge's address: calls (answered by the test) and told requests. */
  private final BlockingQueue<Object> atBridge = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
  private final AtomicReference<Session> session = new AtomicReference<>();
  private final AtomicInteger closedSessions = new AtomicInteger();
  private final AtomicReference<Short> closeStatus = new AtomicReference<>();
  private Context loop;
  private WebSocket client;

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  /** Starts a gateway-like instance with these settings over the defaults, and connects a client as {@code ann}. */
  private void connect(JsonObject settings) throws Exception {
    JsonObject merged = new JsonObject(Files.readString(Path.of("conf/config.json"))).mergeIn(settings);
    ChatConfig config = ChatConfig.from(merged);
    LocalCodec.register(vertx);
    vertx.eventBus().localConsumer(Addresses.BRIDGE, m -> atBridge.add(m.body()));
    Promise<Integer> port = Promise.promise();
    Await.result(vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        loop = context;
        Metrics metrics = new Metrics(new SimpleMeterRegistry());
        FrameParser parser = new FrameParser(config.maxTextLength());
        SessionLimits limits = config.sessionLimits();
        SessionServices services = new SessionServices(vertx, () -> limits, () -> parser, metrics,
            new BridgeClient(vertx, config.bridgeTimeoutMs()), new RoomRegistry(vertx, metrics), false,
            s -> closedSessions.incrementAndGet(), null, config::hookSettings);   // no hook is set: never called
        FlushBatch batch = new FlushBatch(vertx, context, metrics, config::writeDelayMs);
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
          Channel channel = WireSocket.channelOf(req);
          req.toWebSocket().onSuccess(ws -> {
            Session s = new Session(ws, new SessionOutput(ws, WireSocket.of(channel, ws), batch), services,
                Identity.anonymous("ann"), "s1", "127.0.0.1");
            session.set(s);
            s.start();
          });
        });
        return server.listen(0, "127.0.0.1").onSuccess(srv -> port.complete(srv.actualPort()));
      }
    }));
    WebSocketClient ws = vertx.createWebSocketClient();
    int serverPort = Await.result(port.future());
    // the handlers are set as the upgrade completes, before the welcome is read
    client = Await.result(ws.connect(serverPort, "127.0.0.1", "/ws").onSuccess(c -> {
      c.textMessageHandler(t -> received.add(new JsonObject(t)));
      c.closeHandler(v -> closeStatus.set(c.closeStatusCode()));
    }));
    assertThat(next().getString("type")).isEqualTo("welcome");
  }

  private void connect() throws Exception {
    connect(new JsonObject());
  }

  private void send(JsonObject frame) {
    Await.result(client.writeTextMessage(frame.encode()));
  }

  private JsonObject next() throws InterruptedException {
    JsonObject frame = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(frame).as("a frame from the session").isNotNull();
    return frame;
  }

  /** The next call at the bridge, which must be a {@code type} request. */
  private <R extends BridgeReply, Q extends BridgeRequest<R>> Call<R, Q> call(Class<Q> type)
      throws InterruptedException {
    Object body = atBridge.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(body).as("a call at the bridge").isInstanceOf(BridgeCall.class);
    BridgeCall call = (BridgeCall) body;
    assertThat(call.request()).isInstanceOf(type);
    return new Call<>(call, type.cast(call.request()));
  }

  /** The next request told to the bridge (no answer wanted), which must be a {@code type}. */
  private <Q extends BridgeRequest<?>> Q told(Class<Q> type) throws InterruptedException {
    Object body = atBridge.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(body).as("a request told to the bridge").isInstanceOf(type);
    return type.cast(body);
  }

  private final class Call<R extends BridgeReply, Q extends BridgeRequest<R>> {
    final BridgeCall call;
    final Q request;

    Call(BridgeCall call, Q request) {
      this.call = call;
      this.request = request;
    }

    void answer(R reply) {
      vertx.eventBus().send(call.replyTo(), new BridgeAnswer(call.id(), reply, null));
    }

    void refuse(Refusal refusal) {
      vertx.eventBus().send(call.replyTo(), new BridgeAnswer(call.id(), null, refusal));
    }
  }

  /** Runs {@code action} on the session's event loop and returns once it has run. */
  private void onLoop(Runnable action) {
    Promise<Void> done = Promise.promise();
    loop.runOnContext(v -> {
      action.run();
      done.complete();
    });
    Await.result(done.future());
  }

  private static JsonObject frame(String type, String ref) {
    return new JsonObject().put("type", type).put("ref", ref);
  }

  private static RoomEvent message(String room, String id, String text) {
    return RoomEvent.message(id, ServerFrames.message(room, new StoredMessage(id, "bob", text, 1)));
  }

  @Test
  @DisplayName("a request about a room not joined is refused not_joined by the session, never asked of the bridge")
  void notJoinedIsRefusedLocally() throws Exception {
    connect();
    send(frame("send", "s1").put("room", "lobby").put("text", "hi"));
    JsonObject error = next();
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getString("code")).isEqualTo(ErrorCode.NOT_JOINED.wire());
    assertThat(error.getString("ref")).isEqualTo("s1");
    send(frame("ping", "p1"));
    assertThat(next().getString("type")).isEqualTo("pong");
    assertThat(atBridge).as("nothing asked of the bridge").isEmpty();
  }

  @Test
  @DisplayName("a join: the reply, then the missed messages, then the live events held meanwhile, each message once")
  void joinOrdersReplyReplayAndHeldEvents() throws Exception {
    connect();
    send(frame("join", "j1").put("room", "lobby").put("since", "5-0"));
    Call<BridgeReply.Joined, BridgeRequest.Join> join = call(BridgeRequest.Join.class);
    assertThat(join.request.room()).isEqualTo("lobby");
    assertThat(join.request.since()).isEqualTo("5-0");
    assertThat(join.request.user()).isEqualTo("ann");
    // live events while the join is in flight: one the replay also has, and one after it
    vertx.eventBus().publish(Addresses.room("lobby"), message("lobby", "6-0", "replayed and live"));
    vertx.eventBus().publish(Addresses.room("lobby"), message("lobby", "7-0", "live only"));
    join.answer(new BridgeReply.Joined(List.of("ann", "bob"), true,
        List.of(new StoredMessage("6-0", "bob", "replayed and live", 1)), MessageId.parse("5-0")));

    JsonObject joined = next();
    assertThat(joined.getString("type")).isEqualTo("joined");
    assertThat(joined.getBoolean("recovered")).isTrue();
    assertThat(joined.getString("last")).isEqualTo("5-0");
    assertThat(next().getString("id")).isEqualTo("6-0");
    assertThat(next().getString("id")).isEqualTo("7-0");
    // an event the member already has is not written again; a newer one is
    vertx.eventBus().publish(Addresses.room("lobby"), message("lobby", "7-0", "live only"));
    vertx.eventBus().publish(Addresses.room("lobby"), message("lobby", "8-0", "newer"));
    assertThat(next().getString("id")).isEqualTo("8-0");
  }

  @Test
  @DisplayName("a bridge refusal reaches the client as an error with its code, sentence and ref")
  void refusalBecomesAnError() throws Exception {
    connect();
    send(frame("create", "c1").put("room", "lobby"));
    Call<BridgeReply.Created, BridgeRequest.Create> create = call(BridgeRequest.Create.class);
    assertThat(create.request.quota()).as("anonymous mode: the address's quota").isEqualTo("ip:127.0.0.1");
    create.refuse(Refusal.tooManyRooms(3));
    JsonObject error = next();
    assertThat(error.getString("code")).isEqualTo(ErrorCode.TOO_MANY_ROOMS.wire());
    assertThat(error.getString("message")).isEqualTo("the server holds its maximum of 3 rooms");
    assertThat(error.getString("ref")).isEqualTo("c1");
  }

  @Test
  @DisplayName("past its burst a request is refused rate_limited, and past the strikes the connection is closed 4029")
  void rateLimitThenClose() throws Exception {
    connect(new JsonObject().put("sendBurst", 2).put("sendRatePerSecond", 1).put("rateLimitStrikes", 1));
    for (int i = 0; i < 3; i++) {
      send(frame("rooms", "r" + i));
    }
    call(BridgeRequest.ListRooms.class).answer(new BridgeReply.RoomList(List.of("a")));
    call(BridgeRequest.ListRooms.class).answer(new BridgeReply.RoomList(List.of("a")));
    List<JsonObject> frames = List.of(next(), next(), next());
    assertThat(frames).filteredOn(f -> "rooms".equals(f.getString("type"))).hasSize(2);
    assertThat(frames).filteredOn(f -> ErrorCode.RATE_LIMITED.wire().equals(f.getString("code")))
        .singleElement().satisfies(f -> assertThat(f.getString("ref")).isEqualTo("r2"));
    send(frame("rooms", "r3"));
    Await.until("the close", WAIT, () -> closeStatus.get() != null);
    assertThat(closeStatus.get()).isEqualTo(CloseCode.RATE_LIMIT_ABUSED.code());
  }

  @Test
  @DisplayName("a close the server starts waits for the replies already owed, then closes with its code")
  void closeWaitsForOwedReplies() throws Exception {
    connect();
    send(frame("create", "c1").put("room", "lobby"));
    Call<BridgeReply.Created, BridgeRequest.Create> create = call(BridgeRequest.Create.class);
    onLoop(() -> session.get().close(CloseCode.SERVICE_RESTART));
    send(frame("rooms", "ignored"));   // frames after the close decision are not taken
    create.answer(new BridgeReply.Created(true));
    JsonObject created = next();
    assertThat(created.getString("type")).isEqualTo("ok");
    assertThat(created.getString("ref")).isEqualTo("c1");
    assertThat(created.getBoolean("created")).isTrue();
    Await.until("the close", WAIT, () -> closeStatus.get() != null);
    assertThat(closeStatus.get()).isEqualTo(CloseCode.SERVICE_RESTART.code());
    assertThat(atBridge).as("the frame after the close decision was not asked").isEmpty();
    assertThat(received).isEmpty();
  }

  @Test
  @DisplayName("when the socket closes the session leaves its rooms at the bridge and tells its gateway once")
  void closeLeavesRooms() throws Exception {
    connect();
    send(frame("join", "j1").put("room", "lobby"));
    call(BridgeRequest.Join.class).answer(
        new BridgeReply.Joined(List.of("ann"), false, List.of(), MessageId.parse("0-1")));
    assertThat(next().getString("type")).isEqualTo("joined");
    send(frame("typing", null).put("room", "lobby"));
    assertThat(told(BridgeRequest.Typing.class).room()).isEqualTo("lobby");
    Await.result(client.close());
    BridgeRequest.Leave leave = told(BridgeRequest.Leave.class);
    assertThat(leave.room()).isEqualTo("lobby");
    assertThat(leave.session()).isEqualTo("s1");
    Await.until("the gateway told", WAIT, () -> closedSessions.get() == 1);
  }

  @Test
  @DisplayName("a bridge that does not answer in time is an unavailable error, and the session goes on")
  void silentBridgeIsUnavailable() throws Exception {
    connect(new JsonObject().put("bridgeTimeoutMs", 100));
    send(frame("members", "m1").put("room", "lobby"));
    call(BridgeRequest.Members.class);   // never answered
    JsonObject error = next();
    assertThat(error.getString("code")).isEqualTo(ErrorCode.UNAVAILABLE.wire());
    assertThat(error.getString("ref")).isEqualTo("m1");
    send(frame("ping", "p1"));
    assertThat(next().getString("type")).isEqualTo("pong");
  }
}
