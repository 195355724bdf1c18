package io.roomcast.bus;

import io.roomcast.protocol.ErrorCode;

/**
 * A refused request: the protocol's error code and the sentence the client reads. It travels from the broker to the
 * gateway as this record (in a {@link BridgeAnswer}) and reaches the client as an {@code error} frame or an HTTP
 * error body. The sentences of refusals made in more than one place are here, once.
 */
public record Refusal(ErrorCode code, String message) {
  private static final Refusal UNAVAILABLE =
      new Refusal(ErrorCode.UNAVAILABLE, "the message broker is unavailable right now; retry");
  private static final Refusal INTERNAL = new Refusal(ErrorCode.INTERNAL, "internal error");
  private static final Refusal NO_SUCH_ROOM = new Refusal(ErrorCode.NOT_JOINED, "no such room; join it first");

  /** The broker's store cannot be reached, or the bridge did not answer in time: the client retries. */
  public static Refusal unavailable() {
    return UNAVAILABLE;
  }

  /** A bug: the request failed in a way nothing planned for. */
  public static Refusal internal() {
    return INTERNAL;
  }

  /** A message for a room that does not exist (any more). */
  public static Refusal noSuchRoom() {
    return NO_SUCH_ROOM;
  }

  /** A new room beyond {@code maxRooms}. */
  public static Refusal tooManyRooms(int maxRooms) {
    return new Refusal(ErrorCode.TOO_MANY_ROOMS, "the server holds its maximum of " + maxRooms + " rooms");
  }

  /** A new room beyond its creator's quota. */
  public static Refusal creationQuota(int quota, int windowSeconds) {
    return new Refusal(ErrorCode.RATE_LIMITED,
        "room creation quota reached: " + quota + " new rooms per " + windowSeconds + " s; retry later");
  }

  /** This refusal as the exception a failed future carries. */
  public Refused exception() {
    return new Refused(this);
  }
}
