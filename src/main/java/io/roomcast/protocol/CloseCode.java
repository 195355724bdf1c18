package io.roomcast.protocol;

/**
 * WebSocket close codes the server uses (protocol v1, "Close codes"), each with what a client does about it: the one
 * table both clients' reconnect rules and docs/protocol.md's close-code table are checked against (CloseCodeTest).
 */
public enum CloseCode {
  GOING_AWAY(1001, "server going away", Reconnect.AT_ONCE, "reconnect, resume"),
  PROTOCOL_ERROR(1002, "protocol error", Reconnect.NEVER, "fix the client; do not retry"),
  INVALID_DATA(1007, "invalid frame data", Reconnect.NEVER, "fix the client; do not retry"),
  TOO_LARGE(1009, "frame too large", Reconnect.NEVER, "do not resend that message"),
  SERVICE_RESTART(1012, "service restart", Reconnect.AT_ONCE, "reconnect at once (any node), resume"),
  TOKEN_EXPIRED(4001, "token expired", Reconnect.WITH_FRESH_TOKEN, "reconnect with a fresh token, resume"),
  TOO_SLOW(4008, "too slow", Reconnect.AT_ONCE, "reconnect, resume; read faster"),
  RATE_LIMIT_ABUSED(4029, "rate limit abused", Reconnect.AFTER_A_PAUSE, "back off for a while, then reconnect");

  /** What a client does after the close. */
  public enum Reconnect {
    /** At once (with a little jitter), then resume every room. */
    AT_ONCE,
    /** With a fresh token (from the app), then resume. */
    WITH_FRESH_TOKEN,
    /** After a long pause (the clients wait 30 s and up to as much again). */
    AFTER_A_PAUSE,
    /** Not at all: the client sent what the server cannot take, and would send it again. */
    NEVER
  }

  private final short code;
  private final String reason;
  private final Reconnect reconnect;
  private final String advice;

  CloseCode(int code, String reason, Reconnect reconnect, String advice) {
    this.code = (short) code;
    this.reason = reason;
    this.reconnect = reconnect;
    this.advice = advice;
  }

  public short code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public Reconnect reconnect() {
    return reconnect;
  }

  /** What docs/protocol.md tells a client to do, word for word. */
  public String advice() {
    return advice;
  }

  /** The error the clients report when they stop after this close ({@link Reconnect#NEVER}), else null. */
  public String stopError() {
    return switch (this) {
      case PROTOCOL_ERROR -> "protocol_error";
      case INVALID_DATA -> "invalid_data";
      case TOO_LARGE -> "too_large";
      default -> null;
    };
  }
}
