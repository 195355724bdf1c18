package io.roomcast.gateway;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.roomcast.bus.BridgeClient;
import io.roomcast.bus.BridgeReply;
import io.roomcast.bus.BridgeRequest;
import io.roomcast.bus.Refusal;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.ChatConfig;
import io.roomcast.gateway.auth.Identity;
import io.roomcast.gateway.wire.MessageAssembler;
import io.roomcast.protocol.ClientFrame;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.MessageId;
import io.roomcast.protocol.ProtocolException;
import io.roomcast.protocol.ServerFrames;
import io.roomcast.protocol.StoredMessage;
import io.netty.buffer.ByteBuf;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
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
  private final SessionOutput out;
  private final SessionServices services;
  private final Identity identity;
  private final String user;
  private final String id;
  private final String ip;
  /**
   * Whose room-creation quota this connection's new rooms count toward: the user's, when a token vouches for the name;
   * the client address's in anonymous mode, where anyone may pick any name.
   */
  private final String quota;
  /** When the client last sent anything (a frame or a pong), System.nanoTime(). */
  private long lastSeen = System.nanoTime();
  private long expiryTimer = -1;
  /** Resets the connection if the close the server started is not done within {@code closeTimeoutMs}. */
  private long closeTimer = -1;
  /** Rooms joined or being joined. */
  private final Map<String, RoomState> rooms = new HashMap<>();
  private final TokenBucket requests;
  private final TokenBucket strikes;
  private final MessageAssembler assembler;
  /** Bridge requests not answered yet; a close waits for them, so every accepted request gets its reply. */
  private int inFlight;
  /** Set once the session decided to close: later frames are ignored and the close follows the last reply. */
  private CloseCode closing;
  private boolean closed;

  /**
   * A room of this session, as the gateway's {@link RoomRegistry} holds it: the fan-out hands events to
   * {@link #deliver} without looking anything up. {@code backlog} holds the room's live events while the join is in
   * flight; {@code last} is the member's position, the newest message id written or, before any, where its stream
   * started (the join's position), so a message that reaches the session twice (in a replay and live, or in a node's
   * backfill) or one stored before the join took effect is not written.
   */
  static final class RoomState {
    final Session session;
    boolean joined;
    List<RoomEvent> backlog = new ArrayList<>();
    MessageId last;

    RoomState(Session session) {
      this.session = session;
    }
  }

  Session(ServerWebSocket ws, SessionOutput out, SessionServices services, Identity identity, String id, String ip) {
    this.ws = ws;
    this.out = out;
    this.services = services;
    this.identity = identity;
    this.user = identity.user();
    this.id = id;
    this.ip = ip;
    this.quota = services.jwtMode() ? "user:" + user : "ip:" + ip;
    ChatConfig settings = services.settings().get();
    long now = System.nanoTime();
    this.requests = new TokenBucket(settings.sendBurst(), settings.sendRatePerSecond(), now);
    this.strikes = new TokenBucket(settings.rateLimitStrikes(), 1, now);
    this.assembler = new MessageAssembler(settings.maxFrameBytes());
  }

  String user() {
    return user;
  }

  String id() {
    return id;
  }

  String ip() {
    return ip;
  }

  /** Takes changed live limits: the request rate and burst, the strikes before 4029, the bound on pending bytes. */
  void applyLimits(ChatConfig config) {
    requests.reconfigure(config.sendBurst(), config.sendRatePerSecond());
    strikes.reconfigure(config.rateLimitStrikes(), 1);
    if (!closed) {
      out.bound(config.maxPendingBytes());
    }
  }

  void start() {
    ws.frameHandler(this::onFrame);
    ws.pongHandler(b -> lastSeen = System.nanoTime());
    if (identity.expiresAtMs() > 0) {
      long delay = Math.max(1, identity.expiresAtMs() - System.currentTimeMillis());
      expiryTimer = services.vertx().setTimer(delay, t -> {
        LOG.info("closing session {} of {}: token expired", id, user);
        close(CloseCode.TOKEN_EXPIRED);
      });
    }
    ws.exceptionHandler(this::onException);
    ws.closeHandler(v -> onClose());
    out.bound(settings().maxPendingBytes());
    write(ServerFrames.welcome(user, id, settings().nodeId()));
  }

  /**
   * Hands the session an event of the room {@code state} stands for: held back while the join is in flight, written
   * otherwise. Returns whether it was written now.
   */
  boolean deliver(RoomState state, RoomEvent event) {
    if (state.backlog != null) {
      state.backlog.add(event);
      return false;
    }
    if (event.kind() == RoomEvent.Kind.MESSAGE) {
      if (state.last != null && event.messageId().compareTo(state.last) <= 0) {
        return false;
      }
      state.last = event.messageId();
    }
    return write(event);
  }

  /**
   * Writes an event's shared bytes. A client that does not read loses typing events first; once more than
   * {@code maxPendingBytes} wait for it, it is closed with 4008 (it can reconnect and resume).
   */
  boolean write(RoomEvent event) {
    // the socket may be closed before its close handler ran: writing to it (or asking writeQueueFull) would throw
    if (closed || closing != null || !out.open()) {
      if (closing == CloseCode.TOO_SLOW && event.kind() == RoomEvent.Kind.MESSAGE) {
        services.metrics().messageDropped();
      }
      return false;
    }
    if (event.kind() == RoomEvent.Kind.RESYNC) {
      LOG.info("closing session {} of {}: the node lost messages it cannot replay", id, user);
      close(CloseCode.GOING_AWAY);
      return false;
    }
    return enqueue(event.wire(), event.kind());
  }

  /**
   * Writes a reply or a frame for this session only. Replies still go out while a close waits for them, except when
   * the close is for slowness: then the client reads nothing more anyway, and resumes after reconnecting.
   */
  private void write(Buffer frame) {
    if (!closed && out.open() && closing != CloseCode.TOO_SLOW) {
      written(out.reply(frame, settings().maxPendingBytes()), null);
    }
  }

  /** Writes an event's shared frame ({@code kind} not null) through the output, which bounds what waits. */
  private boolean enqueue(ByteBuf frame, RoomEvent.Kind kind) {
    return written(out.offer(frame, kind, settings().maxPendingBytes()), kind);
  }

  /**
   * Acts on what the output made of a frame: a client that does not read loses typing events first; once more than
   * {@code maxPendingBytes} wait for it, it is closed with 4008 (it can reconnect and resume).
   */
  private boolean written(SessionOutput.Offer offer, RoomEvent.Kind kind) {
    switch (offer) {
      case WRITTEN:
        return true;
      case DROPPED:
        services.metrics().typingDropped();
        return false;
      default:
        LOG.info("closing session {} of {}: more than {} bytes waiting, the client does not read", id, user,
            settings().maxPendingBytes());
        close(CloseCode.TOO_SLOW);
        if (kind == RoomEvent.Kind.MESSAGE) {
          services.metrics().messageDropped();
        }
        return false;
    }
  }

  /** Called by the instance's ping timer. */
  void heartbeat(long now, long idleNanos) {
    if (closed || closing != null || !out.open()) {
      return;
    }
    if (now - lastSeen > idleNanos) {
      LOG.info("closing session {} of {}: idle, no answer to pings", id, user);
      close(CloseCode.GOING_AWAY);
    } else {
      out.ping();
    }
  }

  private void onFrame(WebSocketFrame frame) {
    lastSeen = System.nanoTime();
    if (closing != null) {
      return;
    }
    MessageAssembler.Result r = assembler.accept(frame);
    if (r instanceof MessageAssembler.Text t) {
      onText(t.text());
    } else if (r instanceof MessageAssembler.Binary) {
      onBinary();
    } else if (r instanceof MessageAssembler.InvalidText) {
      LOG.info("closing session {} of {}: a text message that is not UTF-8", id, user);
      close(CloseCode.INVALID_DATA);
    } else if (r instanceof MessageAssembler.TooLarge) {
      LOG.info("closing session {} of {}: message larger than {} bytes", id, user, settings().maxFrameBytes());
      close(CloseCode.TOO_LARGE);
    }
  }

  private void onText(String text) {
    ClientFrame frame;
    try {
      frame = services.parser().get().parse(text);
    } catch (ProtocolException e) {
      if (admit(e.ref())) {
        refuse(e.code(), e.getMessage(), e.ref());
      }
      return;
    }
    if (frame instanceof ClientFrame.Ping || admit(frame.ref())) {
      frame.accept(dispatch);
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

  /** What the session does with each request, once admitted (a ping needs no token). */
  private final ClientFrame.Handler dispatch = new ClientFrame.Handler() {
    @Override
    public void ping(ClientFrame.Ping p) {
      write(ServerFrames.pong(p.ref()));
    }

    @Override
    public void send(ClientFrame.Send s) {
      Session.this.send(s);
    }

    @Override
    public void typing(ClientFrame.Typing t) {
      if (requireJoined(t.room(), t.ref())) {
        services.bridge().tell(new BridgeRequest.Typing(t.room(), user));
      }
    }

    @Override
    public void join(ClientFrame.Join j) {
      Session.this.join(j);
    }

    @Override
    public void leave(ClientFrame.Leave l) {
      Session.this.leave(l);
    }

    @Override
    public void create(ClientFrame.Create c) {
      if (allowed(c.room(), c.ref())) {
        ask(new BridgeRequest.Create(c.room(), quota), c.ref(),
            r -> write(ServerFrames.created(c.ref(), c.room(), r.created())));
      }
    }

    @Override
    public void rooms(ClientFrame.Rooms r) {
      ask(new BridgeRequest.ListRooms(), r.ref(),
          list -> write(ServerFrames.rooms(r.ref(), identity.visible(list.rooms()))));
    }

    @Override
    public void history(ClientFrame.History h) {
      if (allowed(h.room(), h.ref())) {
        ask(new BridgeRequest.History(h.room(), h.before(), h.limit()), h.ref(),
            page -> write(ServerFrames.history(h.ref(), h.room(), page.messages())));
      }
    }

    @Override
    public void members(ClientFrame.Members m) {
      if (allowed(m.room(), m.ref())) {
        ask(new BridgeRequest.Members(m.room()), m.ref(),
            list -> write(ServerFrames.members(m.ref(), m.room(), list.users())));
      }
    }
  };

  private void send(ClientFrame.Send s) {
    if (allowed(s.room(), s.ref()) && requireJoined(s.room(), s.ref())) {
      ask(new BridgeRequest.Publish(s.room(), user, s.text(), s.key()), s.ref(), sent -> {
        services.metrics().messageIn();
        write(ServerFrames.sent(s.ref(), s.room(), sent.id()));
      });
    }
  }

  private void join(ClientFrame.Join j) {
    String room = j.room();
    if (!allowed(room, j.ref())) {
      return;
    }
    RoomState current = rooms.get(room);
    if (current != null) {
      // the position is what this connection was last written in the room: every message up to it went out before
      // this reply, and every later one follows it
      ask(new BridgeRequest.Members(room), j.ref(), list -> write(ServerFrames.joined(
          j.ref(), room, list.users(), false, current.joined ? current.last : null)));
      return;
    }
    int max = settings().maxRoomsPerConnection();
    if (rooms.size() >= max) {
      refuse(ErrorCode.TOO_MANY_ROOMS, "a connection may join at most " + max + " rooms", j.ref());
      return;
    }
    // listen first and hold live events back; after the reply, replay what the client missed and release the
    // held events it has not seen: no gap and no duplicate, even while others send during the hand-off
    RoomState state = new RoomState(this);
    rooms.put(room, state);
    services.rooms().attach(room, state);
    call(new BridgeRequest.Join(room, user, id, j.since(), quota), j.ref(), ar -> {
      if (closed) {
        return;   // closing detached the session and told the bridge it left
      }
      if (ar.failed()) {
        // a failed join changes nothing; one that timed out may still have reached the broker, so the bridge is
        // told to forget it (leaves are idempotent)
        rooms.remove(room);
        services.rooms().detach(room, state);
        services.bridge().tell(new BridgeRequest.Leave(room, user, id));
        return;
      }
      BridgeReply.Joined joined = ar.result();
      state.joined = true;
      services.metrics().joined();
      write(ServerFrames.joined(j.ref(), room, joined.members(), joined.recovered(), joined.last()));
      // the member's stream starts after its position: a live event at or before it (stored before the join took
      // effect, or replayed below) is not written again
      state.last = joined.last();
      for (StoredMessage m : joined.missed()) {
        write(ServerFrames.message(room, m));
        state.last = MessageId.parse(m.id());
      }
      List<RoomEvent> held = state.backlog;
      state.backlog = null;
      for (RoomEvent e : held) {
        deliver(state, e);
      }
    });
  }

  private void leave(ClientFrame.Leave l) {
    if (requireJoined(l.room(), l.ref())) {
      ask(new BridgeRequest.Leave(l.room(), user, id), l.ref(), done -> {
        detach(l.room());
        write(ServerFrames.ok(l.ref(), l.room()));
      });
    }
  }

  private void detach(String room) {
    RoomState state = rooms.remove(room);
    if (state != null) {
      services.rooms().detach(room, state);
      if (state.joined) {
        services.metrics().left();
      }
    }
  }

  /** The token's {@code rooms} claim, when it has one, limits the rooms the user may see and use at all. */
  private boolean allowed(String room, String ref) {
    if (identity.mayUse(room)) {
      return true;
    }
    refuse(ErrorCode.FORBIDDEN, "your token does not allow room " + room, ref);
    return false;
  }

  private boolean requireJoined(String room, String ref) {
    if (rooms.containsKey(room)) {
      return true;
    }
    refuse(ErrorCode.NOT_JOINED, "join room " + room + " first", ref);
    return false;
  }

  /** Asks the bridge; {@code ok} gets the reply, a failure is answered with its coded error. */
  private <R extends BridgeReply> void ask(BridgeRequest<R> request, String ref, Handler<R> ok) {
    call(request, ref, ar -> {
      if (ar.succeeded()) {
        ok.handle(ar.result());
      }
    });
  }

  /**
   * Asks the bridge and hands the outcome to {@code done}, after answering a failure with its coded error. Counts
   * the request as in flight until then, so a pending close waits for its reply.
   */
  private <R extends BridgeReply> void call(BridgeRequest<R> request, String ref, Handler<AsyncResult<R>> done) {
    inFlight++;
    services.bridge().ask(request).onComplete(ar -> {
      if (ar.failed()) {
        Refusal r = BridgeClient.refusal(ar.cause());
        refuse(r.code(), r.message(), ref);
      }
      done.handle(ar);
      if (--inFlight == 0 && closing != null) {
        closeNow();
      }
    });
  }

  private void refuse(ErrorCode code, String message, String ref) {
    services.metrics().error(code);
    write(ServerFrames.error(code, message, ref));
  }

  private ChatConfig settings() {
    return services.settings().get();
  }

  private void onException(Throwable t) {
    if (t instanceof CorruptedWebSocketFrameException corrupted) {
      // a protocol violation Netty detected (RSV bits, an unmasked frame, a reserved opcode, invalid UTF-8, a frame
      // beyond the hard size limit): Netty stops decoding and Vert.x closes the socket at once, so the close frame
      // may not reach the client
      int status = corrupted.closeStatus() == null ? 1002 : corrupted.closeStatus().code();
      CloseCode code = status == 1007 ? CloseCode.INVALID_DATA
          : status == 1009 ? CloseCode.TOO_LARGE : CloseCode.PROTOCOL_ERROR;
      LOG.info("closing session {} of {}: {}", id, user, code.reason());
      if (closing == null) {
        services.metrics().closed(code);
        bound();
      }
      closing = code;
      closeNow();
    } else {
      LOG.debug("session {} socket error: {}", id, t.toString());
    }
  }

  /**
   * Closes with {@code code} once the requests already accepted have been answered; at once for a client too slow to
   * read them. Whatever the client does, the connection is gone within {@code closeTimeoutMs} ({@link #bound}).
   */
  void close(CloseCode code) {
    if (closing == null) {
      closing = code;
      services.metrics().closed(code);
      bound();
      if (inFlight == 0 || code == CloseCode.TOO_SLOW) {
        closeNow();
      }
    }
  }

  /**
   * A close the server starts ends the TCP connection within {@code closeTimeoutMs}: the close frame may wait behind
   * bytes a client never reads (one closed as too slow, or any that stopped reading), and Vert.x's own closing
   * timeout starts only once that frame is written, so without this such a connection stayed open, holding its
   * kernel send buffer and its per-address slot, for as long as the client liked. Past the bound it is reset.
   */
  private void bound() {
    long timeoutMs = settings().closeTimeoutMs();
    closeTimer = services.vertx().setTimer(timeoutMs, t -> {
      closeTimer = -1;
      if (!closed) {
        LOG.debug("session {} of {}: close not completed within {} ms; connection reset", id, user,
            timeoutMs);
        services.metrics().closeForced();
        out.abort();
      }
    });
  }

  private void closeNow() {
    if (!closed) {
      out.close(closing);
    }
  }

  private void onClose() {
    if (closed) {
      return;
    }
    closed = true;
    out.end();
    if (expiryTimer >= 0) {
      services.vertx().cancelTimer(expiryTimer);
    }
    if (closeTimer >= 0) {
      services.vertx().cancelTimer(closeTimer);
    }
    for (String room : List.copyOf(rooms.keySet())) {
      detach(room);
      services.bridge().tell(new BridgeRequest.Leave(room, user, id));
    }
    services.closed().accept(this);
  }
}
