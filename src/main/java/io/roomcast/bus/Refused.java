package io.roomcast.bus;

import io.roomcast.protocol.ErrorCode;

/** A failed future's cause when a request was refused: carries the {@link Refusal} (no stack trace: not a bug). */
public final class Refused extends RuntimeException {
  private final Refusal refusal;

  public Refused(Refusal refusal) {
    super(refusal.message(), null, false, false);
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }

  public ErrorCode code() {
    return refusal.code();
  }
}
