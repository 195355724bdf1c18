package io.roomcast.gateway;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.protocol.ClientFrame;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.ProtocolException;
import io.roomcast.protocol.ServerFrames;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: parses its frames, enforces its limits, talks to the bridge for it and writes its frames.
 * Runs on its gateway instance's event loop only.
 */
final class Session {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);

  private final ServerWebSocket ws;
  private final ChatGatewayVerticle gateway;
  private final String user;
  private final String id;
  /** Rooms joined or being joined; the value says whether the session already receives the room's events. */
  private final Map<String, Boolean> rooms = new HashMap<>();
  private final TokenBucket requests;
  private final TokenBucket strikes;
  private final MessageAssembler assembler;
  /** Bridge requests not answered yet; a close waits for them, so every accepted request gets its reply. */
  private int inFlight;
  /** Set once the session decided to close: later frames are ignored and the close follows the last reply. */
  private CloseCode closing;
  private boolean closed;

  Session(ServerWebSocket ws, ChatGatewayVerticle gateway, String user, String id) {
    this.ws = ws;
    this.gateway = gateway;
    this.user = user;
    this.id = id;
    long now = System.nanoTime();
    this.requests = new TokenBucket(gateway.settings().sendBurst(), gateway.settings().sendRatePerSecond(), now);
    this.strikes = new TokenBucket(gateway.settings().rateLimitStrikes(), 1, now);
    this.assembler = new MessageAssembler(gateway.settings().maxFrameBytes());
  }

  String user() {
    return user;
  }

  String id() {
    return id;
  }

  void start() {
    ws.frameHandler(this::onFrame);
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> onClose());
    write(ServerFrames.welcome(user, id, gateway.settings().nodeId()));
  }

  /** Writes a frame of a room event or announcement; the frame's bytes are shared with other sessions. */
  void deliver(WebSocketFrame frame) {
    if (!closed) {
      ws.writeFrame(frame);
    }
  }

  private void onFrame(WebSocketFrame frame) {
    if (closing != null) {
      return;
    }
    MessageAssembler.Result r = assembler.accept(frame);
    if (r instanceof MessageAssembler.Text t) {
      onText(t.text());
    } else if (r instanceof MessageAssembler.Binary) {
      onBinary();
    } else if (r instanceof MessageAssembler.TooLarge) {
      LOG.info("closing session {} of {}: message larger than {} bytes", id, user, gateway.settings().maxFrameBytes());
      close(CloseCode.TOO_LARGE);
    }
  }

  private void onText(String text) {
    ClientFrame frame;
    try {
      frame = gateway.parser().parse(text);
    } catch (ProtocolException e) {
      if (admit(e.ref())) {
        refuse(e.code(), e.getMessage(), e.ref());
      }
      return;
    }
    if (frame instanceof ClientFrame.Ping p) {
      write(ServerFrames.pong(p.ref()));
    } else if (admit(frame.ref())) {
      dispatch(frame);
    }
  }

  private void onBinary() {
    if (admit(null)) {
      refuse(ErrorCode.BAD_REQUEST, "binary frames are not supported: send JSON in text frames", null);
    }
  }

  /** Takes a token for a request; when there is none, refuses it and closes the connection if abuse goes on. */
  private boolean admit(String ref) {
    long now = System.nanoTime();
    if (requests.tryTake(now)) {
      return true;
    }
    refuse(ErrorCode.RATE_LIMITED, "too many requests: slow down", ref);
    if (!strikes.tryTake(now)) {
      LOG.warn("closing session {} of {}: rate limit abused", id, user);
      close(CloseCode.RATE_LIMIT_ABUSED);
    }
    return false;
  }

  private void dispatch(ClientFrame frame) {
    if (frame instanceof ClientFrame.Send s) {
      send(s);
    } else if (frame instanceof ClientFrame.Typing t) {
      if (requireJoined(t.room(), t.ref())) {
        gateway.bridge().tell(new BridgeRequest.Typing(t.room(), user));
      }
    } else if (frame instanceof ClientFrame.Join j) {
      join(j);
    } else if (frame instanceof ClientFrame.Leave l) {
      leave(l);
    } else if (frame instanceof ClientFrame.Create c) {
      this.<BridgeReply.Created>ask(new BridgeRequest.Create(c.room()), c.ref(),
          r -> write(ServerFrames.created(c.ref(), c.room(), r.created())));
    } else if (frame instanceof ClientFrame.Rooms r) {
      this.<BridgeReply.RoomList>ask(new BridgeRequest.ListRooms(), r.ref(),
          list -> write(ServerFrames.rooms(r.ref(), list.rooms())));
    } else if (frame instanceof ClientFrame.History h) {
      this.<BridgeReply.Page>ask(new BridgeRequest.History(h.room(), h.before(), h.limit()), h.ref(),
          page -> write(ServerFrames.history(h.ref(), h.room(), page.messages())));
    } else if (frame instanceof ClientFrame.Members m) {
      this.<BridgeReply.UserList>ask(new BridgeRequest.Members(m.room()), m.ref(),
          list -> write(ServerFrames.members(m.ref(), m.room(), list.users())));
    }
  }

  private void send(ClientFrame.Send s) {
    if (requireJoined(s.room(), s.ref())) {
      this.<BridgeReply.Sent>ask(new BridgeRequest.Publish(s.room(), user, s.text(), s.key()), s.ref(), sent -> {
        gateway.metrics().messageIn();
        write(ServerFrames.sent(s.ref(), s.room(), sent.id()));
      });
    }
  }

  private void join(ClientFrame.Join j) {
    String room = j.room();
    if (rooms.containsKey(room)) {
      this.<BridgeReply.UserList>ask(new BridgeRequest.Members(room), j.ref(),
          list -> write(ServerFrames.joined(j.ref(), room, list.users(), false)));
      return;
    }
    int max = gateway.settings().maxRoomsPerConnection();
    if (rooms.size() >= max) {
      refuse(ErrorCode.TOO_MANY_ROOMS, "a connection may join at most " + max + " rooms", j.ref());
      return;
    }
    rooms.put(room, false);
    RoomRegistry registry = gateway.registry();
    registry.prepare(room);
    this.<BridgeReply.Joined>call(new BridgeRequest.Join(room, user, id, j.since()), j.ref(), ar -> {
      if (closed || ar.failed()) {
        // a closed session already told the bridge it left; a failed join changes nothing, and since a join that
        // timed out may still have reached the broker, the bridge is told to forget it (leaves are idempotent)
        registry.abort(room);
        if (!closed) {
          rooms.remove(room);
          gateway.bridge().tell(new BridgeRequest.Leave(room, user, id));
        }
        return;
      }
      registry.attach(room, this);
      rooms.put(room, true);
      gateway.metrics().joined();
      write(ServerFrames.joined(j.ref(), room, ar.result().members(), ar.result().recovered()));
    });
  }

  private void leave(ClientFrame.Leave l) {
    if (requireJoined(l.room(), l.ref())) {
      this.<BridgeReply.Done>ask(new BridgeRequest.Leave(l.room(), user, id), l.ref(), done -> {
        detach(l.room());
        write(ServerFrames.ok(l.ref(), l.room()));
      });
    }
  }

  private void detach(String room) {
    Boolean attached = rooms.remove(room);
    if (Boolean.TRUE.equals(attached)) {
      gateway.registry().detach(room, this);
      gateway.metrics().left();
    }
  }

  private boolean requireJoined(String room, String ref) {
    if (rooms.containsKey(room)) {
      return true;
    }
    refuse(ErrorCode.NOT_JOINED, "join room " + room + " first", ref);
    return false;
  }

  /** Asks the bridge; {@code ok} gets the reply, a failure is answered with its coded error. */
  private <T extends BridgeReply> void ask(BridgeRequest request, String ref, Handler<T> ok) {
    call(request, ref, ar -> {
      if (ar.succeeded()) {
        ok.handle(this.<T>cast(ar.result()));
      }
    });
  }

  /**
   * Asks the bridge and hands the outcome to {@code done}, after answering a failure with its coded error. Counts
   * the request as in flight until then, so a pending close waits for its reply.
   */
  private <T extends BridgeReply> void call(BridgeRequest request, String ref, Handler<AsyncResult<T>> done) {
    inFlight++;
    gateway.bridge().<T>ask(request).onComplete(ar -> {
      if (ar.failed()) {
        BridgeClient.Refusal r = BridgeClient.refusal(ar.cause());
        refuse(r.code(), r.message(), ref);
      }
      done.handle(ar);
      if (--inFlight == 0 && closing != null) {
        closeNow();
      }
    });
  }

  @SuppressWarnings("unchecked")
  private <T> T cast(Object o) {
    return (T) o;
  }

  private void refuse(ErrorCode code, String message, String ref) {
    gateway.metrics().error(code);
    write(ServerFrames.error(code, message, ref));
  }

  private void write(Buffer frame) {
    if (!closed) {
      ws.writeFrame(TextFrames.of(frame));
    }
  }

  private void onException(Throwable t) {
    if (t instanceof CorruptedWebSocketFrameException) {
      // a single frame beyond Vert.x's hard limit: Netty stops decoding and the socket closes at once
      LOG.info("closing session {} of {}: frame beyond the hard limit ({})", id, user, t.getMessage());
      closing = CloseCode.TOO_LARGE;
      closeNow();
    } else {
      LOG.debug("session {} socket error: {}", id, t.toString());
    }
  }

  /** Closes with {@code code} once the requests already accepted have been answered. */
  void close(CloseCode code) {
    if (closing == null) {
      closing = code;
      if (inFlight == 0) {
        closeNow();
      }
    }
  }

  private void closeNow() {
    if (!closed && !ws.isClosed()) {
      ws.close(closing.code(), closing.reason());
    }
  }

  private void onClose() {
    if (closed) {
      return;
    }
    closed = true;
    for (String room : List.copyOf(rooms.keySet())) {
      detach(room);
      gateway.bridge().tell(new BridgeRequest.Leave(room, user, id));
    }
    gateway.sessionClosed(this);
  }
}
