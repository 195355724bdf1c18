package io.roomcast.protocol;

/** The closed set of {@code error.code} values of protocol v1. */
public enum ErrorCode {
  BAD_JSON("bad_json"),
  BAD_REQUEST("bad_request"),
  UNKNOWN_TYPE("unknown_type"),
  INVALID_ROOM("invalid_room"),
  NOT_JOINED("not_joined"),
  TEXT_TOO_LONG("text_too_long"),
  TOO_MANY_ROOMS("too_many_rooms"),
  RATE_LIMITED("rate_limited"),
  FORBIDDEN("forbidden"),
  UNAVAILABLE("unavailable"),
  INTERNAL("internal");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
