package io.roomcast.gateway;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.roomcast.bus.RoomEvent;
import io.roomcast.config.SessionLimits;
import io.roomcast.gateway.auth.Identity;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.ServerFrames;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection and its lifecycle: the welcome, pings and the idle check, the token's expiry, and every close
 * (after the replies owed, bounded by {@code closeTimeoutMs}). Its parts: {@link SessionInput} (frames in, parsed and
 * rate limited), {@link SessionRequests} (what each request does, the rooms joined) and {@link SessionOutput} (frames
 * out, bounded); what to do about a client that does not read is decided here. Runs on its gateway instance's event
 * loop only.
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
  /** When the client last sent anything (a frame or a pong), System.nanoTime(). */
  private long lastSeen = System.nanoTime();
  private long expiryTimer = -1;
  /** Resets the connection if the close the server started is not done within {@code closeTimeoutMs}. */
  private long closeTimer = -1;
  private final SessionRequests requests;
  private final SessionInput input;
  /** Set once the session decided to close: later frames are ignored and the close follows the last reply. */
  private CloseCode closing;
  private boolean closed;

  Session(ServerWebSocket ws, SessionOutput out, SessionServices services, Identity identity, String id, String ip) {
    this.ws = ws;
    this.out = out;
    this.services = services;
    this.identity = identity;
    this.user = identity.user();
    this.id = id;
    this.ip = ip;
    this.requests = new SessionRequests(this, services, identity, ip);
    this.input = new SessionInput(this, services.limits().get(), services.parser(), requests);
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
  void applyLimits(SessionLimits limits) {
    input.applyLimits(limits);
    if (!closed) {
      out.bound(limits.maxPendingBytes());
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
    writeFrame(ServerFrames.welcome(user, id, settings().nodeId(), features(services.hookSettings().get())));
  }

  /** What {@code welcome.features} announces: the extensions every node speaks, then {@code hooks} and {@code webhooks} when set. */
  static java.util.List<String> features(io.roomcast.config.HookSettings hooks) {
    java.util.List<String> features = new java.util.ArrayList<>(ServerFrames.FEATURES);
    if (hooks.any()) {
      features.add("hooks");
    }
    if (hooks.webhooks()) {
      features.add("webhooks");
    }
    return features;
  }

  /** Writes an event's shared bytes, bounded as every write is ({@link #written}). */
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
  void writeFrame(Buffer frame) {
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
    input.accept(frame);
  }

  void refuse(ErrorCode code, String message, String ref) {
    services.metrics().error(code);
    writeFrame(ServerFrames.error(code, message, ref));
  }

  private SessionLimits settings() {
    return services.limits().get();
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
      if (requests.inFlight() == 0 || code == CloseCode.TOO_SLOW) {
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

  /** Stops or restarts reading the socket: while many requests wait behind a pending hook, the client is not read. */
  void reading(boolean on) {
    if (closed) {
      return;
    }
    if (on) {
      ws.resume();
    } else {
      ws.pause();
    }
  }

  /** Whether the session decided to close (later requests are not served). */
  boolean closing() {
    return closing != null;
  }

  /** Whether the socket closed (the session then left its rooms). */
  boolean ended() {
    return closed;
  }

  /** Every bridge request was answered: a close that waited for them goes ahead. */
  void allAnswered() {
    if (closing != null) {
      closeNow();
    }
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
    requests.leaveAll();
    services.closed().accept(this);
  }
}
