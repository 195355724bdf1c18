package io.roomcast.protocol;

/** A client frame was refused: carries the error code, a human sentence and the request's ref (or null). */
public final class ProtocolException extends Exception {
  private final ErrorCode code;
  private final String ref;

  public ProtocolException(ErrorCode code, String message, String ref) {
    super(message, null, false, false);
    this.code = code;
    this.ref = ref;
  }

  public ErrorCode code() {
    return code;
  }

  public String ref() {
    return ref;
  }
}
