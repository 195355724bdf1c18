package io.roomcast.gateway;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.protocol.ClientFrame;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.ProtocolException;
import io.roomcast.protocol.ServerFrames;
import io.vertx.core.Future;
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
  private boolean closed;

  Session(ServerWebSocket ws, ChatGatewayVerticle gateway, String user, String id) {
    this.ws = ws;
    this.gateway = gateway;
    this.user = user;
    this.id = id;
    long now = System.nanoTime();
    this.requests = new TokenBucket(gateway.settings().sendBurst(), gateway.settings().sendRatePerSecond(), now);
    this.strikes = new TokenBucket(gateway.settings().rateLimitStrikes(), 1, now);
  }

  String user() {
    return user;
  }

  String id() {
    return id;
  }

  void start() {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> onBinary());
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
      this.<BridgeReply.Created>ask(new BridgeRequest.Create(c.room()), c.ref())
          .onSuccess(r -> write(ServerFrames.created(c.ref(), c.room(), r.created())));
    } else if (frame instanceof ClientFrame.Rooms r) {
      this.<BridgeReply.RoomList>ask(new BridgeRequest.ListRooms(), r.ref())
          .onSuccess(list -> write(ServerFrames.rooms(r.ref(), list.rooms())));
    } else if (frame instanceof ClientFrame.History h) {
      this.<BridgeReply.Page>ask(new BridgeRequest.History(h.room(), h.before(), h.limit()), h.ref())
          .onSuccess(page -> write(ServerFrames.history(h.ref(), h.room(), page.messages())));
    } else if (frame instanceof ClientFrame.Members m) {
      this.<BridgeReply.UserList>ask(new BridgeRequest.Members(m.room()), m.ref())
          .onSuccess(list -> write(ServerFrames.members(m.ref(), m.room(), list.users())));
    }
  }

  private void send(ClientFrame.Send s) {
    if (requireJoined(s.room(), s.ref())) {
      this.<BridgeReply.Sent>ask(new BridgeRequest.Publish(s.room(), user, s.text(), s.key()), s.ref())
          .onSuccess(sent -> {
            gateway.metrics().messageIn();
            write(ServerFrames.sent(s.ref(), s.room(), sent.id()));
          });
    }
  }

  private void join(ClientFrame.Join j) {
    String room = j.room();
    if (rooms.containsKey(room)) {
      this.<BridgeReply.UserList>ask(new BridgeRequest.Members(room), j.ref())
          .onSuccess(list -> write(ServerFrames.joined(j.ref(), room, list.users(), false)));
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
    this.<BridgeReply.Joined>ask(new BridgeRequest.Join(room, user, id, j.since()), j.ref())
        .onComplete(ar -> {
          if (closed || ar.failed()) {
            // closing already told the bridge; a failed join changes nothing
            registry.abort(room);
            if (!closed) {
              rooms.remove(room);
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
      this.<BridgeReply.Done>ask(new BridgeRequest.Leave(l.room(), user, id), l.ref()).onSuccess(done -> {
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

  /** Asks the bridge; on failure answers the client with the coded error and fails the returned future. */
  private <T extends BridgeReply> Future<T> ask(BridgeRequest request, String ref) {
    return gateway.bridge().<T>ask(request).onFailure(err -> {
      BridgeClient.Refusal r = BridgeClient.refusal(err);
      refuse(r.code(), r.message(), ref);
    });
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
    if (t instanceof CorruptedWebSocketFrameException
        || (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("max message size"))) {
      LOG.info("closing session {} of {}: frame larger than {} bytes", id, user, gateway.settings().maxFrameBytes());
      close(CloseCode.TOO_LARGE);
    } else {
      LOG.debug("session {} socket error: {}", id, t.toString());
    }
  }

  void close(CloseCode code) {
    if (!closed && !ws.isClosed()) {
      ws.close(code.code(), code.reason());
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
