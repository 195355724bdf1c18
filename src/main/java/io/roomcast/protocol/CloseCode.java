package io.roomcast.protocol;

/** WebSocket close codes the server uses (protocol v1, "Close codes"). */
public enum CloseCode {
  GOING_AWAY(1001, "server going away"),
  PROTOCOL_ERROR(1002, "protocol error"),
  INVALID_DATA(1007, "invalid frame data"),
  TOO_LARGE(1009, "frame too large"),
  SERVICE_RESTART(1012, "service restart"),
  TOKEN_EXPIRED(4001, "token expired"),
  TOO_SLOW(4008, "too slow"),
  RATE_LIMIT_ABUSED(4029, "rate limit abused");

  private final short code;
  private final String reason;

  CloseCode(int code, String reason) {
    this.code = (short) code;
    this.reason = reason;
  }

  public short code() {
    return code;
  }

  public String reason() {
    return reason;
  }
}
