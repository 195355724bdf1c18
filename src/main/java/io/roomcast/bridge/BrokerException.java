package io.roomcast.bridge;

import io.roomcast.protocol.ErrorCode;

/** A broker refused a request: the protocol's error code and a sentence for the client. */
public final class BrokerException extends RuntimeException {
  private final ErrorCode code;

  public BrokerException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** The refusal a broker gives while (or because) its store cannot be reached. */
  public static BrokerException unavailable() {
    return new BrokerException(ErrorCode.UNAVAILABLE, "the message broker is unavailable right now; retry");
  }
}
