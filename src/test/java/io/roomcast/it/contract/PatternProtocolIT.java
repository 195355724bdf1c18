package io.roomcast.it.contract;

/** The protocol contract on two nodes sharing one Redis in pattern mode. */
class PatternProtocolIT extends TwoNodeProtocolContract {
  @Override
  protected String mode() {
    return "pattern";
  }
}
