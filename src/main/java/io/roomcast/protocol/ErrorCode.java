package io.roomcast.protocol;

/**
 * The closed set of {@code error.code} values of protocol v1. Each has a fixed number, which is how a code crosses the
 * event bus (as a failure code): adding or reordering codes never changes what an old number means.
 */
public enum ErrorCode {
  BAD_JSON(1, "bad_json"),
  BAD_REQUEST(2, "bad_request"),
  UNKNOWN_TYPE(3, "unknown_type"),
  INVALID_ROOM(4, "invalid_room"),
  NOT_JOINED(5, "not_joined"),
  TEXT_TOO_LONG(6, "text_too_long"),
  TOO_MANY_ROOMS(7, "too_many_rooms"),
  RATE_LIMITED(8, "rate_limited"),
  FORBIDDEN(9, "forbidden"),
  UNAVAILABLE(10, "unavailable"),
  INTERNAL(11, "internal");

  private final int number;
  private final String wire;

  ErrorCode(int number, String wire) {
    this.number = number;
    this.wire = wire;
  }

  /** The code's fixed number (its failure code on the event bus). */
  public int number() {
    return number;
  }

  public String wire() {
    return wire;
  }

  /** The code numbered {@code number}, or null. */
  public static ErrorCode ofNumber(int number) {
    for (ErrorCode c : values()) {
      if (c.number == number) {
        return c;
      }
    }
    return null;
  }
}
