package io.roomcast.gateway;

import io.roomcast.config.SessionLimits;
import io.roomcast.gateway.wire.MessageAssembler;
import io.roomcast.ops.TokenBucket;
import io.roomcast.protocol.ClientFrame;
import io.roomcast.protocol.CloseCode;
import io.roomcast.protocol.ErrorCode;
import io.roomcast.protocol.FrameParser;
import io.roomcast.protocol.ProtocolException;
import io.vertx.core.http.WebSocketFrame;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input half of a session: WebSocket frames assembled into messages ({@link MessageAssembler}), parsed
 * ({@link FrameParser}), each request admitted by the connection's rate limit, and handed to the session's
 * {@link SessionRequests}, in order. What cannot be taken is refused with its coded error, or closes the connection (a
 * message too large or not UTF-8, a rate limit abused). Used from the session's event loop only.
 */
final class SessionInput {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);   // a part of the session, logged as it

  private final Session session;
  private final Supplier<FrameParser> parser;
  private final SessionRequests requests;
  private final MessageAssembler assembler;
  /** The requests a connection may make: {@code sendBurst} at once, {@code sendRatePerSecond} on average. */
  private final TokenBucket rate;
  /** Refusals for rate before the connection is closed 4029: {@code rateLimitStrikes}, one more a second. */
  private final TokenBucket strikes;
  private final int maxFrameBytes;

  SessionInput(Session session, SessionLimits settings, Supplier<FrameParser> parser, SessionRequests requests) {
    this.session = session;
    this.parser = parser;
    this.requests = requests;
    this.maxFrameBytes = settings.maxFrameBytes();
    this.assembler = new MessageAssembler(maxFrameBytes);
    long now = System.nanoTime();
    this.rate = new TokenBucket(settings.sendBurst(), settings.sendRatePerSecond(), now);
    this.strikes = new TokenBucket(settings.rateLimitStrikes(), 1, now);
  }

  /** Takes changed live limits: the request rate and burst, the strikes before 4029. */
  void applyLimits(SessionLimits config) {
    rate.reconfigure(config.sendBurst(), config.sendRatePerSecond());
    strikes.reconfigure(config.rateLimitStrikes(), 1);
  }

  void accept(WebSocketFrame frame) {
    MessageAssembler.Result r = assembler.accept(frame);
    if (r instanceof MessageAssembler.Text t) {
      onText(t.text());
    } else if (r instanceof MessageAssembler.Binary) {
      onBinary();
    } else if (r instanceof MessageAssembler.InvalidText) {
      LOG.info("closing session {} of {}: a text message that is not UTF-8", session.id(), session.user());
      session.close(CloseCode.INVALID_DATA);
    } else if (r instanceof MessageAssembler.TooLarge) {
      LOG.info("closing session {} of {}: message larger than {} bytes", session.id(), session.user(),
          maxFrameBytes);
      session.close(CloseCode.TOO_LARGE);
    }
  }

  private void onText(String text) {
    ClientFrame frame;
    try {
      frame = parser.get().parse(text);
    } catch (ProtocolException e) {
      if (admit(e.ref())) {
        session.refuse(e.code(), e.getMessage(), e.ref());
      }
      return;
    }
    if (frame instanceof ClientFrame.Ping || admit(frame.ref())) {
      requests.handle(frame);
    }
  }

  private void onBinary() {
    if (admit(null)) {
      session.refuse(ErrorCode.BAD_REQUEST, "binary frames are not supported: send JSON in text frames", null);
    }
  }

  /** Takes a token for a request; when there is none, refuses it and closes the connection if abuse goes on. */
  private boolean admit(String ref) {
    long now = System.nanoTime();
    if (rate.tryTake(now)) {
      return true;
    }
    session.refuse(ErrorCode.RATE_LIMITED, "too many requests: slow down", ref);
    if (!strikes.tryTake(now)) {
      LOG.warn("closing session {} of {}: rate limit abused", session.id(), session.user());
      session.close(CloseCode.RATE_LIMIT_ABUSED);
    }
    return false;
  }
}
